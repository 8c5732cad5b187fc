/**
 * Property tests draw from a fixed seed, so a run is reproducible and CI cannot fail on a case
 * no one has seen. To explore other cases: FC_SEED=<number> npx vitest run.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });
