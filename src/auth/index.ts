export { createAuthenticator, PROFILE_CLAIM, RIGHTS_CLAIM, type Authenticated, type Authenticator, type HeaderBag } from './authenticate.js';
export { hashApiKey } from './api-keys.js';
export type { AuthFailureReason } from './errors.js';
