CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"size" integer NOT NULL,
	"mime" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blobs_district" ON "blobs" USING btree ("district");