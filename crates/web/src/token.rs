//! Random tokens (session CSRF tokens, job ids, the dummy password of unknown accounts): 256
//! bits from the operating system, as hex.

/// A fresh random token (256 bits, hex); empty if the OS has no randomness to give (a fixed
/// token would be worse than refusing: every check against an empty token fails).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    if getrandom::fill(&mut b).is_err() {
        return String::new();
    }
    hex::encode(b)
}
