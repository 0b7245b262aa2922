// The portal's server-side configuration.
export const API_URL = process.env.THREADLINE_API_URL ?? 'http://127.0.0.1:4000/graphql';
export const SESSION_COOKIE = 'tl_session';
/** Who is signed in (name and role), for the header only; the API decides what they may do. */
export const USER_COOKIE = 'tl_user';
/** How often open pages ask whether anything they show changed (2 s at least; 10 s when unset or invalid). */
const pollSeconds = Number(process.env.PORTAL_POLL_SECONDS ?? 10);
export const POLL_SECONDS = Number.isFinite(pollSeconds) && pollSeconds >= 2 ? pollSeconds : 10;
