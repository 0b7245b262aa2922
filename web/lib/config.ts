// The portal's server-side configuration.
export const API_URL = process.env.THREADLINE_API_URL ?? 'http://127.0.0.1:4000/graphql';
export const SESSION_COOKIE = 'tl_session';
