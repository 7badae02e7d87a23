CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`label` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text NOT NULL,
	`ip` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`width` integer,
	`height` integer,
	`role` text NOT NULL,
	`source_sha256` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `case_counters` (
	`date` text PRIMARY KEY NOT NULL,
	`counter` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`case_number` text,
	`district` text,
	`status` text NOT NULL,
	`category` text NOT NULL,
	`source` text,
	`category_kind` text,
	`category_code` text,
	`grid_code` text,
	`component_id` text,
	`department_id` text,
	`lon` real,
	`lat` real,
	`description` text,
	`client_report_id` text,
	`reported_at` text,
	`filed_at` text,
	`closed_at` text,
	`updated_at` text,
	`active_step` text,
	`deadline` integer,
	`active_clock` text,
	`clock_started_at` integer,
	`warn_at` integer,
	`due` integer NOT NULL,
	`queue` text NOT NULL,
	`urged` integer DEFAULT 0 NOT NULL,
	`conflicts` integer DEFAULT 0 NOT NULL,
	`provisional_pending` integer DEFAULT 0 NOT NULL,
	`pending_approvals` integer DEFAULT 0 NOT NULL,
	`event_count` integer NOT NULL,
	`state` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_number` ON `cases` (`case_number`);--> statement-breakpoint
CREATE INDEX `cases_queue` ON `cases` (`queue`,`due`,`id`);--> statement-breakpoint
CREATE INDEX `cases_due` ON `cases` (`due`,`id`);--> statement-breakpoint
CREATE INDEX `cases_warn` ON `cases` (`warn_at`);--> statement-breakpoint
CREATE INDEX `cases_department` ON `cases` (`department_id`,`queue`,`due`);--> statement-breakpoint
CREATE INDEX `cases_approvals` ON `cases` (`due`,`id`) WHERE pending_approvals > 0;--> statement-breakpoint
CREATE INDEX `cases_provisional` ON `cases` (`due`,`id`) WHERE provisional_pending > 0;--> statement-breakpoint
CREATE INDEX `cases_conflicts` ON `cases` (`due`,`id`) WHERE conflicts > 0;--> statement-breakpoint
CREATE INDEX `cases_grid` ON `cases` (`grid_code`);--> statement-breakpoint
CREATE INDEX `cases_category_code` ON `cases` (`category_kind`,`category_code`,`reported_at`);--> statement-breakpoint
CREATE TABLE `clock_alerts` (
	`case_id` text NOT NULL,
	`step` text NOT NULL,
	`started_at` integer NOT NULL,
	`level` text NOT NULL,
	`deadline` integer NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clock_alerts_key` ON `clock_alerts` (`case_id`,`step`,`started_at`,`level`);--> statement-breakpoint
CREATE INDEX `clock_alerts_at` ON `clock_alerts` (`at`);--> statement-breakpoint
CREATE TABLE `components` (
	`id` text PRIMARY KEY NOT NULL,
	`category_code` text NOT NULL,
	`name` text,
	`dept_code` text,
	`dept_name` text,
	`owner_code` text,
	`owner_name` text,
	`maintainer_code` text,
	`maintainer_name` text,
	`grid_code` text,
	`status` text,
	`lon` real NOT NULL,
	`lat` real NOT NULL,
	`initial_date` text,
	`change_date` text,
	`data_source` text,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `components_category` ON `components` (`category_code`);--> statement-breakpoint
CREATE INDEX `components_grid` ON `components` (`grid_code`);--> statement-breakpoint
CREATE TABLE `departments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`credit_code` text,
	`level` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`origin` text NOT NULL,
	`seq` integer NOT NULL,
	`hlc` text NOT NULL,
	`type` text NOT NULL,
	`at` text NOT NULL,
	`body` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_origin_seq` ON `events` (`origin`,`seq`);--> statement-breakpoint
CREATE INDEX `events_case` ON `events` (`case_id`,`hlc`);--> statement-breakpoint
CREATE TABLE `grids` (
	`code` text PRIMARY KEY NOT NULL,
	`street_code` text NOT NULL,
	`street_name` text,
	`community_code` text NOT NULL,
	`community_name` text,
	`geometry` text NOT NULL,
	`min_lon` real NOT NULL,
	`min_lat` real NOT NULL,
	`max_lon` real NOT NULL,
	`max_lat` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `grids_community` ON `grids` (`community_code`);--> statement-breakpoint
CREATE TABLE `node_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_keys` (
	`client_report_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`report_hash` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `responsibilities` (
	`category_kind` text NOT NULL,
	`category_code` text NOT NULL,
	`area_code` text NOT NULL,
	`department_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `responsibilities_key` ON `responsibilities` (`category_kind`,`category_code`,`area_code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `special_ops` (
	`request_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`op` text NOT NULL,
	`requested_at` text NOT NULL,
	`decided_at` text,
	`approved` integer,
	`record` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `special_ops_op` ON `special_ops` (`op`,`requested_at`);--> statement-breakpoint
CREATE INDEX `special_ops_case` ON `special_ops` (`case_id`);--> statement-breakpoint
CREATE TABLE `standards` (
	`category_kind` text NOT NULL,
	`category_code` text NOT NULL,
	`condition_no` integer NOT NULL,
	`filing_condition` text NOT NULL,
	`limit_amount` real NOT NULL,
	`limit_unit` text NOT NULL,
	`closing_condition` text NOT NULL,
	`urgency` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `standards_key` ON `standards` (`category_kind`,`category_code`,`condition_no`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`department_id` text,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);