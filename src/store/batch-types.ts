import type { ChannelName, InboundType } from "../channels/types";
import type { Contact, Conversation, MessageRow, NewOutboundMessage } from "./contracts/messaging";

/** One contact's turn as stored: who wrote, and what (in arrival order). */
export interface TurnRecord {
  /** The lane's address: the phone when known, else the BSUID. */
  phone: string;
  userId?: string;
  /** From Meta's system notices: the contact's new number or new BSUID. */
  newPhone?: string;
  newUserId?: string;
  waId?: string;
  lid?: string;
  name?: string;
  /** When the turn's last message arrived: the contact's 24 h window opens from here. */
  at: number;
  messages: {
    providerMessageId: string;
    channel: ChannelName;
    type: InboundType;
    body: string;
    /** Set when the path already knows it must not be answered (rate limit, a system notice); opt-out and handoff are decided by the store. */
    unanswered: string | null;
    correlationId: string;
    providerTimestamp: number;
  }[];
}

export interface RecordedTurn {
  contact: Contact;
  conversation: Conversation;
  /** Replies that were held for a closed 24 h window and may go now. */
  heldIds: number[];
}

export interface TurnsStore {
  /** Stores a batch of turns in one round trip; idempotent by provider message id. Throws when the batch could not be stored. */
  record(companyId: number, turns: TurnRecord[], now: number): Promise<RecordedTurn[]>;
}

export interface ClaimedOutbound {
  message: MessageRow;
  contact: Contact | null;
}

export interface OutboxStore {
  /** Stores replies idempotently by clientRef (a retried turn finds its rows), returning each row's id and status. */
  storeMany(companyId: number, rows: NewOutboundMessage[]): Promise<{ clientRef: string; id: number; status: string }[]>;
  /** `claimOutbound` for many messages at once, with their contacts: only the rows this call claimed come back. */
  claimMany(companyId: number, ids: number[], now: number, staleMs: number): Promise<ClaimedOutbound[]>;
  /** The channel took these messages: accepted with the provider's id, one delivery log each. */
  markAcceptedMany(companyId: number, accepted: { id: number; providerMessageId: string }[], now: number): Promise<void>;
}
