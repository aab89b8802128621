-- Older duplicates of a contact's open conversation (possible before this index) are closed first; the newest stays open.
UPDATE `conversations` SET `status` = 'closed' WHERE `status` IN ('bot', 'human') AND `id` < (SELECT max(x.`id`) FROM `conversations` x WHERE x.`company_id` = `conversations`.`company_id` AND x.`contact_id` = `conversations`.`contact_id` AND x.`status` IN ('bot', 'human'));--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_company_contact_open_uq` ON `conversations` (`company_id`,`contact_id`) WHERE "conversations"."status" IN ('bot', 'human');
