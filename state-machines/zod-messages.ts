/**
 * zod/mini ships without message text (every issue reads "Invalid input"), which keeps Lambda
 * bundles small; the English messages are 5 KB. Import this module for its effect from any module
 * whose zod issues reach a user, before the first parse. Idempotent.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
