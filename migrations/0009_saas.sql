CREATE TABLE `billing_events` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` integer,
	`type` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `billing_events_company_idx` ON `billing_events` (`company_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`price_cents` integer DEFAULT 0 NOT NULL,
	`currency` text DEFAULT 'BRL' NOT NULL,
	`messages_per_month` integer,
	`llm_tokens_per_month` integer,
	`max_contacts` integer,
	`max_users` integer,
	`over_quota` text DEFAULT 'templates' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plans_code_uq` ON `plans` (`code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`company_id` integer,
	`refresh_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`last_seen_at` integer,
	`ip` text,
	`user_agent` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_refresh_uq` ON `sessions` (`refresh_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`company_id` integer PRIMARY KEY NOT NULL,
	`plan_id` integer NOT NULL,
	`status` text DEFAULT 'trialing' NOT NULL,
	`current_period_start` integer NOT NULL,
	`current_period_end` integer NOT NULL,
	`external_id` text,
	`external_customer` text,
	`grace_until` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_external_uq` ON `subscriptions` (`external_id`);--> statement-breakpoint
CREATE TABLE `usage_alerts` (
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`metric` text NOT NULL,
	`threshold` integer NOT NULL,
	`value` integer NOT NULL,
	`quota` integer NOT NULL,
	`fired_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `period`, `metric`, `threshold`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_counters` (
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`metric` text NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `period`, `metric`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `user_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_links_token_uq` ON `user_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `user_links_user_idx` ON `user_links` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`status` text DEFAULT 'invited' NOT NULL,
	`available` integer DEFAULT false NOT NULL,
	`last_assigned_at` integer,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`last_login_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_company_role_idx` ON `users` (`company_id`,`role`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `scopes` text DEFAULT '["*"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `prefix` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `revoked_at` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `created_by` integer;--> statement-breakpoint
ALTER TABLE `audit_logs` ADD `user_id` integer;--> statement-breakpoint
ALTER TABLE `audit_logs` ADD `actor_role` text;--> statement-breakpoint
ALTER TABLE `audit_logs` ADD `ip` text;--> statement-breakpoint
ALTER TABLE `audit_logs` ADD `correlation_id` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `status_changed_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assigned_user_id` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assigned_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `author_user_id` integer;--> statement-breakpoint
-- The plans a new tenant can be provisioned on (prices in cents, quotas per month; NULL: unlimited).
INSERT INTO plans (code, name, price_cents, currency, messages_per_month, llm_tokens_per_month, max_contacts, max_users, over_quota) VALUES
  ('trial', 'Teste', 0, 'BRL', 300, 200000, 200, 2, 'pause_outbound'),
  ('starter', 'Essencial', 14900, 'BRL', 2000, 1000000, 1000, 3, 'templates'),
  ('pro', 'Profissional', 44900, 'BRL', 10000, 5000000, 10000, 10, 'templates'),
  ('enterprise', 'Empresa', 149000, 'BRL', NULL, NULL, NULL, NULL, 'templates');
