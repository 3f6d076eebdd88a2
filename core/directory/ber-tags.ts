// The BER tags outpost's own LDAP encoders and decoders use (RFC 4511 appendix B, X.690):
// one table for the add connection, its requests and the search-reply reader.

// Universal tags.
export const SEQUENCE = 0x30;
export const SET = 0x31;
export const INTEGER = 0x02;
export const OCTET_STRING = 0x04;
export const ENUMERATED = 0x0a;

// Protocol operations ([APPLICATION n]).
export const BIND_REQUEST = 0x60;
export const BIND_RESPONSE = 0x61;
export const UNBIND_REQUEST = 0x42;
export const SEARCH_ENTRY = 0x64;
export const ADD_REQUEST = 0x68;
export const ADD_RESPONSE = 0x69;
export const EXTENDED_RESPONSE = 0x78;

/** [0] simple: the password of a simple bind. */
export const SIMPLE = 0x80;
