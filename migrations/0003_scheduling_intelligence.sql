CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` integer NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_imported` integer DEFAULT 0 NOT NULL,
	`rows_failed` integer DEFAULT 0 NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`ignored_columns` text DEFAULT '[]' NOT NULL,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_jobs_company_started_idx` ON `import_jobs` (`company_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `agenda_optimization_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`trigger` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`detail` text,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `optimization_runs_company_started_idx` ON `agenda_optimization_runs` (`company_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `risk_models` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`kind` text NOT NULL,
	`trained_at` integer NOT NULL,
	`model` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `risk_models_company_trained_idx` ON `risk_models` (`company_id`,`trained_at`);--> statement-breakpoint
CREATE TABLE `scheduling_insights` (
	`company_id` integer NOT NULL,
	`weekday` integer NOT NULL,
	`hour` integer NOT NULL,
	`volume` integer NOT NULL,
	`resolved` integer NOT NULL,
	`attendance_rate` real NOT NULL,
	`no_show_prob` real NOT NULL,
	`confirmation_rate` real NOT NULL,
	`score` real NOT NULL,
	`suggested_slot` integer DEFAULT false NOT NULL,
	`label` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `weekday`, `hour`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `appointments` ADD `reminder_sent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `appointments` ADD `reminder_answered` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `appointments` ADD `last_contact_at` integer;--> statement-breakpoint
ALTER TABLE `appointments` ADD `attrs` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `no_show_prob` real;--> statement-breakpoint
ALTER TABLE `appointments` ADD `risk_reasons` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `risk_scored_at` integer;--> statement-breakpoint
ALTER TABLE `appointments` ADD `risk_flagged_at` integer;--> statement-breakpoint
ALTER TABLE `appointments` ADD `reschedule_offered_at` integer;