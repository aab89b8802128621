ALTER TABLE "conversations" ADD COLUMN "last_read_message_id" integer;--> statement-breakpoint
-- Conversations from before read marks start read: only what arrives from now on shows as unread.
UPDATE "conversations" SET "last_read_message_id" = (SELECT max("id") FROM "messages" WHERE "messages"."company_id" = "conversations"."company_id" AND "messages"."conversation_id" = "conversations"."id");
