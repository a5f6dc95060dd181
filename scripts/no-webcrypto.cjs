// Stands in for @noble/hashes/crypto in the warm path's bundle: no WebCrypto (only random bytes need it).
exports.crypto = undefined;
