/** Conhecimento do negócio: services with prices and durations, hours, address, phones, FAQ, notes. */
import type { Session } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { field, input, linesArea, linesOf, putSection, rowsEditor, section, textarea } from "./fields";
import type { Config, Knowledge, Service } from "./types";

export function knowledgeSection(session: Session, config: Config): { form: HTMLFormElement; read: () => Knowledge } {
  const k = config.knowledge;
  const services = rowsEditor<Service, Service>({
    id: "services",
    addLabel: "settings.knowledge.addService",
    removeLabel: "common.remove",
    items: k.services,
    build: (s) => {
      const name = input({ maxlength: "120", required: "", "data-field": "service-name" }, s?.name);
      const price = input({ maxlength: "60", "data-field": "service-price" }, s?.price);
      const duration = input({ type: "number", min: "1", max: "1440", step: "1", inputmode: "numeric", "data-field": "service-duration" }, s?.durationMinutes);
      const description = input({ maxlength: "500", "data-field": "service-description" }, s?.description);
      return {
        node: el(
          "div",
          { class: "row-fields service" },
          field(t("settings.knowledge.serviceName"), name),
          field(t("settings.knowledge.price"), price),
          field(t("settings.knowledge.duration"), duration),
          field(t("settings.knowledge.description"), description),
        ),
        read: () => {
          if (!name.value.trim()) return null;
          const service: Service = { name: name.value.trim() };
          if (price.value.trim()) service.price = price.value.trim();
          if (duration.value) service.durationMinutes = Number(duration.value);
          if (description.value.trim()) service.description = description.value.trim();
          return service;
        },
      };
    },
  });
  const faq = rowsEditor<{ q: string; a: string }, { q: string; a: string }>({
    id: "faq",
    addLabel: "settings.knowledge.addFaq",
    removeLabel: "common.remove",
    items: k.faq,
    build: (f) => {
      const q = input({ maxlength: "300", required: "", "data-field": "faq-q" }, f?.q);
      const a = textarea({ maxlength: "1000", required: "", rows: "2", "data-field": "faq-a" }, f?.a);
      return {
        node: el("div", { class: "row-fields faq" }, field(t("settings.knowledge.question"), q), field(t("settings.knowledge.answer"), a)),
        read: () => (q.value.trim() && a.value.trim() ? { q: q.value.trim(), a: a.value.trim() } : null),
      };
    },
  });
  const hours = textarea({ id: "knowledge-hours", maxlength: "500", rows: "2", placeholder: t("settings.knowledge.hoursPlaceholder") }, k.hours);
  const address = input({ id: "knowledge-address", maxlength: "300", autocomplete: "street-address" }, k.address);
  const phones = linesArea({ id: "knowledge-phones", rows: "2", inputmode: "tel" }, k.phones);
  const notes = textarea({ id: "knowledge-notes", maxlength: "2000", rows: "3" }, k.notes);
  const read = (): Knowledge => ({
    services: services.read(),
    hours: hours.value.trim(),
    address: address.value.trim(),
    phones: linesOf(phones),
    faq: faq.read(),
    notes: notes.value.trim(),
  });
  const form = section({
    id: "knowledge",
    title: "settings.knowledge.title",
    intro: "settings.knowledge.intro",
    fields: [
      el("fieldset", {}, el("legend", {}, t("settings.knowledge.services")), services.node),
      field(t("settings.knowledge.address"), address),
      field(t("settings.knowledge.hours"), hours),
      field(t("settings.knowledge.phones"), phones, t("settings.onePerLine")),
      el("fieldset", {}, el("legend", {}, t("settings.knowledge.faq")), faq.node),
      field(t("settings.knowledge.notes"), notes, t("settings.knowledge.notesHint")),
    ],
    save: async () => {
      config.knowledge = (await putSection<Config>(session, "knowledge", read())).knowledge;
    },
  });
  return { form, read };
}
