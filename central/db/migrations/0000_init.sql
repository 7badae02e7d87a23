CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"case_number" text,
	"status" text NOT NULL,
	"category" text NOT NULL,
	"conflicts" integer NOT NULL,
	"provisional_pending" integer NOT NULL,
	"updated_at" text,
	"event_count" integer NOT NULL,
	"state" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "district_links" (
	"district" text PRIMARY KEY NOT NULL,
	"last_push_at" timestamp with time zone,
	"last_pull_at" timestamp with time zone,
	"acked" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"pos" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"case_id" text NOT NULL,
	"district" text NOT NULL,
	"origin" text NOT NULL,
	"seq" integer NOT NULL,
	"hlc" text NOT NULL,
	"type" text NOT NULL,
	"body" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrity_alarms" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"origin" text NOT NULL,
	"event_id" text,
	"seq" integer,
	"detail" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"origin" text NOT NULL,
	"district" text NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "cases_district_status" ON "cases" USING btree ("district","status");--> statement-breakpoint
CREATE UNIQUE INDEX "events_id" ON "events" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_origin_seq" ON "events" USING btree ("origin","seq");--> statement-breakpoint
CREATE INDEX "events_case" ON "events" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "events_district_pos" ON "events" USING btree ("district","pos");--> statement-breakpoint
CREATE INDEX "events_district_hlc" ON "events" USING btree ("district","hlc");