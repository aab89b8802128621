CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_company_idx` ON `api_tokens` (`company_id`);--> statement-breakpoint
CREATE TABLE `audit_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_logs_company_created_idx` ON `audit_logs` (`company_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `companies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`time_zone` text DEFAULT 'America/Sao_Paulo' NOT NULL,
	`locale` text DEFAULT 'pt-BR' NOT NULL,
	`channel` text DEFAULT 'sandbox' NOT NULL,
	`meta_phone_number_id` text,
	`evolution_instance` text,
	`whaticket_token_hash` text,
	`channel_settings` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_slug_uq` ON `companies` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `companies_meta_pnid_uq` ON `companies` (`meta_phone_number_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `companies_evolution_instance_uq` ON `companies` (`evolution_instance`);--> statement-breakpoint
CREATE UNIQUE INDEX `companies_whaticket_token_uq` ON `companies` (`whaticket_token_hash`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`phone` text NOT NULL,
	`wa_id` text,
	`lid` text,
	`name` text,
	`attributes` text DEFAULT '{}' NOT NULL,
	`opted_out` integer DEFAULT false NOT NULL,
	`last_inbound_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_company_phone_uq` ON `contacts` (`company_id`,`phone`);--> statement-breakpoint
CREATE INDEX `contacts_company_lid_idx` ON `contacts` (`company_id`,`lid`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`status` text DEFAULT 'bot' NOT NULL,
	`summary` text,
	`last_message_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversations_company_contact_idx` ON `conversations` (`company_id`,`contact_id`,`status`);--> statement-breakpoint
CREATE INDEX `conversations_company_last_idx` ON `conversations` (`company_id`,`last_message_at`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`queue` text NOT NULL,
	`payload` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`dedup_key` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`reprocessed_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_company_dedup_uq` ON `dead_letters` (`company_id`,`dedup_key`);--> statement-breakpoint
CREATE INDEX `dead_letters_company_created_idx` ON `dead_letters` (`company_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `delivery_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`status` text NOT NULL,
	`detail` text,
	`provider_timestamp` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delivery_logs_company_message_idx` ON `delivery_logs` (`company_id`,`message_id`,`id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`direction` text NOT NULL,
	`channel` text NOT NULL,
	`provider_message_id` text,
	`client_ref` text,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`payload` text,
	`status` text NOT NULL,
	`error` text,
	`unanswered` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer,
	`correlation_id` text,
	`provider_timestamp` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_company_provider_id_uq` ON `messages` (`company_id`,`provider_message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_company_client_ref_uq` ON `messages` (`company_id`,`client_ref`);--> statement-breakpoint
CREATE INDEX `messages_company_contact_idx` ON `messages` (`company_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_company_conversation_idx` ON `messages` (`company_id`,`conversation_id`,`id`);