import { Arg, Query, Resolver } from 'type-graphql';
import { checkCatalogue } from '../scanner/catalogue.js';
import { profileIncludes } from '../scanner/profiles.js';
import { ScanModeEnum, ScanProfileEnum } from '../scan/scan.type.js';
import { CheckType, type CheckConfidenceEnum, type CheckSeverityEnum } from './check.type.js';

@Resolver(() => CheckType)
export class CheckResolver {
  @Query(() => [CheckType], { description: 'The check catalogue: every check the scanner runs, by category then id.' })
  checks(
    @Arg('category', () => String, { nullable: true }) category: string | null,
    @Arg('mode', () => ScanModeEnum, { nullable: true, description: 'Only checks a scan of this mode runs.' }) mode: ScanModeEnum | null,
    @Arg('profile', () => ScanProfileEnum, { nullable: true, description: 'Only checks a scan of this profile runs.' })
    profile: ScanProfileEnum | null,
  ): CheckType[] {
    const catalogue = checkCatalogue();
    return catalogue
      .all()
      .filter((c) => (category ? c.category === category : true))
      .filter((c) => (mode === ScanModeEnum.PASSIVE ? c.mode === 'PASSIVE' : true))
      .filter((c) => (profile ? profileIncludes(profile, c.profile) : true))
      .map((c) =>
        Object.assign(new CheckType(), {
          ...c,
          severity: c.severity as CheckSeverityEnum,
          confidence: c.confidence as CheckConfidenceEnum,
          mode: c.mode as ScanModeEnum,
          profile: c.profile as ScanProfileEnum,
          probe: catalogue.probe(c.id)!.id,
        }),
      );
  }
}
