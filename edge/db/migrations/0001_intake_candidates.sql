CREATE TABLE `intake_candidates` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`rule` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`category_kind` text,
	`category_code` text,
	`description` text NOT NULL,
	`lon` real,
	`lat` real,
	`photo_sha256` text,
	`observed_at` integer NOT NULL,
	`last_observed_at` integer NOT NULL,
	`repeats` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`decision_note` text,
	`case_id` text
);
--> statement-breakpoint
CREATE INDEX `intake_candidates_key_idx` ON `intake_candidates` (`dedupe_key`,`last_observed_at`);--> statement-breakpoint
CREATE INDEX `intake_candidates_status_idx` ON `intake_candidates` (`status`,`observed_at`);