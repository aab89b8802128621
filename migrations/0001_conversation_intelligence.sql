CREATE TABLE `company_profiles` (
	`company_id` integer PRIMARY KEY NOT NULL,
	`profile` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `llm_usage` (
	`company_id` integer NOT NULL,
	`day` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`direction` text NOT NULL,
	`tokens` integer NOT NULL,
	`estimated_tokens` integer DEFAULT 0 NOT NULL,
	`requests` integer NOT NULL,
	PRIMARY KEY(`company_id`, `day`, `provider`, `model`, `direction`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `handoff_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `handoff_reason` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_human_reply_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_company_status_idx` ON `conversations` (`company_id`,`status`,`handoff_at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `author` text DEFAULT 'contact' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `purpose` text DEFAULT 'reply' NOT NULL;