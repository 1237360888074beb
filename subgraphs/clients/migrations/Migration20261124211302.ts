import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211302 extends Migration {

  override name = 'Migration20261124211302';

  override up(): void | Promise<void> {
    this.addSql(`alter table "clients"."account" add "brand_display_name" varchar(120) null, add "brand_logo_data_url" text null, add "brand_accent_color" varchar(7) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "clients"."account" drop column "brand_display_name", drop column "brand_logo_data_url", drop column "brand_accent_color";`);
  }

}
