import { Migration } from '@mikro-orm/migrations';

export class Migration20261124172018 extends Migration {

  override name = 'Migration20261124172018';

  override up(): void | Promise<void> {
    this.addSql(`alter table "findings"."finding" add "location" varchar(500) null, add "cve_ids" text[] not null default '{}', add "confidence" varchar(16) not null default 'FIRM';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "findings"."finding" drop column "location", drop column "cve_ids", drop column "confidence";`);
  }

}
