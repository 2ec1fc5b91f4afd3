import { MemoryDriftStore } from '../../../shared/adapters/memory/memory-drift-store.ts';
import { driftStoreContract } from '../../support/drift-store-contract.ts';

driftStoreContract('MemoryDriftStore', () => new MemoryDriftStore());
