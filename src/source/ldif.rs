//! RFC 2849 LDIF reader (being written).
