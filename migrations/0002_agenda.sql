CREATE TABLE `appointment_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`appointment_id` integer NOT NULL,
	`kind` text NOT NULL,
	`offset_minutes` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`done_at` integer,
	`message_id` integer,
	`detail` text,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointment_tasks_uq` ON `appointment_tasks` (`company_id`,`appointment_id`,`kind`,`offset_minutes`);--> statement-breakpoint
CREATE INDEX `appointment_tasks_company_due_idx` ON `appointment_tasks` (`company_id`,`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `appointments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`provider` text NOT NULL,
	`booking_uid` text NOT NULL,
	`external_id` text,
	`service` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`source` text NOT NULL,
	`booked_at` integer NOT NULL,
	`confirmed_at` integer,
	`cancelled_at` integer,
	`attended_at` integer,
	`rescheduled_from_uid` text,
	`notes` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_company_uid_uq` ON `appointments` (`company_id`,`booking_uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_company_external_uq` ON `appointments` (`company_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `appointments_company_starts_idx` ON `appointments` (`company_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_company_contact_idx` ON `appointments` (`company_id`,`contact_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `feedback_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`appointment_id` integer,
	`contact_id` integer NOT NULL,
	`kind` text NOT NULL,
	`score` real NOT NULL,
	`text` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_company_appt_idx` ON `feedback_events` (`company_id`,`appointment_id`);--> statement-breakpoint
CREATE INDEX `feedback_company_created_idx` ON `feedback_events` (`company_id`,`created_at`);