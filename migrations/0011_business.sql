CREATE TABLE `ab_assignments` (
	`company_id` integer NOT NULL,
	`test_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`variant` text NOT NULL,
	`assigned_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `test_id`, `contact_id`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`test_id`) REFERENCES `ab_tests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ab_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`test_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`variant` text NOT NULL,
	`event` text NOT NULL,
	`ref` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`test_id`) REFERENCES `ab_tests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ab_events_uq` ON `ab_events` (`company_id`,`test_id`,`contact_id`,`event`,`ref`);--> statement-breakpoint
CREATE INDEX `ab_events_test_idx` ON `ab_events` (`company_id`,`test_id`,`event`);--> statement-breakpoint
CREATE TABLE `ab_tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`name` text NOT NULL,
	`target` text NOT NULL,
	`goal` text NOT NULL,
	`epsilon` real DEFAULT 0.1 NOT NULL,
	`variants` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`winner` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`started_at` integer,
	`stopped_at` integer,
	`updated_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ab_tests_company_status_idx` ON `ab_tests` (`company_id`,`status`,`target`);--> statement-breakpoint
CREATE TABLE `analytics_reports` (
	`company_id` integer NOT NULL,
	`granularity` text NOT NULL,
	`period_start` text NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `granularity`, `period_start`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`actor` text,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_events_contact_idx` ON `consent_events` (`company_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE INDEX `consent_events_company_created_idx` ON `consent_events` (`company_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `llm_prices` (
	`company_id` integer NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`input_per_million` real NOT NULL,
	`output_per_million` real NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `provider`, `model`)
);
--> statement-breakpoint
CREATE TABLE `recommendations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`severity` text DEFAULT 'info' NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`evidence` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`computed_at` integer NOT NULL,
	`dismissed_at` integer,
	`notified_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recommendations_uq` ON `recommendations` (`company_id`,`kind`,`key`);--> statement-breakpoint
CREATE INDEX `recommendations_company_status_idx` ON `recommendations` (`company_id`,`status`,`computed_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`endpoint_id` integer NOT NULL,
	`event` text NOT NULL,
	`event_id` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`response_status` integer,
	`error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_attempt_at` integer,
	`delivered_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_uq` ON `webhook_deliveries` (`company_id`,`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_company_created_idx` ON `webhook_deliveries` (`company_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`events` text DEFAULT '[]' NOT NULL,
	`secret` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_company_idx` ON `webhook_endpoints` (`company_id`,`active`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `consent_changed_at` integer;--> statement-breakpoint
ALTER TABLE `contacts` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `contacts_company_created_idx` ON `contacts` (`company_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `feedback_events` ADD `source` text DEFAULT 'followup' NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback_events` ADD `nps` integer;--> statement-breakpoint
ALTER TABLE `feedback_events` ADD `external_id` text;--> statement-breakpoint
CREATE INDEX `feedback_company_contact_idx` ON `feedback_events` (`company_id`,`contact_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_company_external_uq` ON `feedback_events` (`company_id`,`source`,`external_id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_sent_idx` ON `campaign_recipients` (`company_id`,`sent_at`);