import { registerEnumType } from 'type-graphql';

/** The billing module's tiers, as the clients API names them (values are billing's tier ids). */
export enum TierEnum {
  TRIAL = 'trial',
  STARTER = 'starter',
  PROFESSIONAL = 'professional',
  ENTERPRISE = 'enterprise',
}
registerEnumType(TierEnum, { name: 'ClientTier', description: 'A client plan: trial, starter, professional or enterprise.' });
