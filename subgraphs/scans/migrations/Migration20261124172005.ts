import { Migration } from '@mikro-orm/migrations';

export class Migration20261124172005 extends Migration {

  override name = 'Migration20261124172005';

  override up(): void | Promise<void> {
    this.addSql(`alter table "scans"."scan" add "stats" jsonb null, add "findings_count" int not null default 0;`);

    this.addSql(`alter table "scans"."scan_event" add "kind" text not null default 'STATUS', add "check_id" varchar(100) null, add "host" varchar(300) null, add "findings_count" int not null default 0, add "finding_id" uuid null, add "severity" varchar(10) null, add "title" varchar(300) null, add "detail" text null;`);
    this.addSql(`alter table "scans"."scan_event" add constraint "scan_event_kind_check" check ("kind" in ('STATUS', 'CHECK_STARTED', 'CHECK_FINISHED', 'FINDING'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "scans"."scan" drop column "stats", drop column "findings_count";`);

    this.addSql(`alter table "scans"."scan_event" drop constraint "scan_event_kind_check";`);
    this.addSql(`alter table "scans"."scan_event" drop column "kind", drop column "check_id", drop column "host", drop column "findings_count", drop column "finding_id", drop column "severity", drop column "title", drop column "detail";`);
  }

}
