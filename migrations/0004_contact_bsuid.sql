ALTER TABLE `contacts` ADD `user_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_company_user_uq` ON `contacts` (`company_id`,`user_id`);