// Ids in URLs are checked before they reach the API, so a malformed one is a 404 or a 400, not an error.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string | null | undefined): value is string => typeof value === 'string' && UUID.test(value);
