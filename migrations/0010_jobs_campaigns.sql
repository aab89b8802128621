CREATE TABLE `job_controls` (
	`company_id` integer NOT NULL,
	`target` text NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`cron` text,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_controls_uq` ON `job_controls` (`company_id`,`target`);--> statement-breakpoint
CREATE TABLE `job_executions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`job` text NOT NULL,
	`category` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`items` integer DEFAULT 0 NOT NULL,
	`error` text,
	`note` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_executions_run_uq` ON `job_executions` (`company_id`,`job`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `job_executions_company_time_idx` ON `job_executions` (`company_id`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `job_executions_status_idx` ON `job_executions` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `tenant_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`fired_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenant_alerts_uq` ON `tenant_alerts` (`company_id`,`kind`,`key`);--> statement-breakpoint
CREATE INDEX `tenant_alerts_company_time_idx` ON `tenant_alerts` (`company_id`,`fired_at`);--> statement-breakpoint
CREATE TABLE `campaign_recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`campaign_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`skip_reason` text,
	`message_id` integer,
	`due_at` integer NOT NULL,
	`sent_at` integer,
	`replied_at` integer,
	`booked_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_recipients_uq` ON `campaign_recipients` (`company_id`,`campaign_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_due_idx` ON `campaign_recipients` (`company_id`,`campaign_id`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_contact_idx` ON `campaign_recipients` (`company_id`,`contact_id`,`sent_at`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`audience` text DEFAULT '{}' NOT NULL,
	`message` text NOT NULL,
	`template` text,
	`starts_at` integer,
	`throttle_per_minute` integer DEFAULT 30 NOT NULL,
	`created_by` integer,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaigns_company_status_idx` ON `campaigns` (`company_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `scheduled_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`text` text NOT NULL,
	`purpose` text DEFAULT 'reminder' NOT NULL,
	`send_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`message_id` integer,
	`error` text,
	`created_by` integer,
	`updated_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scheduled_messages_company_send_idx` ON `scheduled_messages` (`company_id`,`status`,`send_at`);--> statement-breakpoint
CREATE INDEX `scheduled_messages_due_idx` ON `scheduled_messages` (`send_at`) WHERE "scheduled_messages"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `wa_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`external_id` text,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`parameter_count` integer DEFAULT 0 NOT NULL,
	`components` text DEFAULT '[]' NOT NULL,
	`rejected_reason` text,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wa_templates_uq` ON `wa_templates` (`company_id`,`name`,`language`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `escalated_at` integer;