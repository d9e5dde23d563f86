package sandbox

import "math/rand/v2"

// uuid is a 16-byte identifier rendered as a lower-case RFC 4122 string.
// Every entity is keyed by one; generated ones are version 4 drawn from the
// seeded PRNG so that a seed always yields the same identifiers.
type uuid [16]byte

const hexDigits = "0123456789abcdef"

func (u uuid) String() string {
	var b [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j] = hexDigits[c>>4]
		b[j+1] = hexDigits[c&0x0f]
		j += 2
	}
	return string(b[:])
}

func (u uuid) isZero() bool { return u == uuid{} }

// parseUUID reads the canonical 8-4-4-4-12 form, hex digits in either case.
func parseUUID(s string) (uuid, bool) {
	var u uuid
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return uuid{}, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// mustUUID parses a literal from the reference documentation; it is only
// used on constants of this package.
func mustUUID(s string) uuid {
	u, ok := parseUUID(s)
	if !ok {
		panic("sandbox: bad uuid literal " + s)
	}
	return u
}

// newUUID draws a version 4 UUID from r.
func newUUID(r *rand.Rand) uuid {
	var u uuid
	a, b := r.Uint64(), r.Uint64()
	for i := 0; i < 8; i++ {
		u[i] = byte(a >> (56 - 8*i))
		u[8+i] = byte(b >> (56 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// newRand returns the deterministic PRNG for a seed and a stream number, so
// that independent consumers (data, faults, simulator) do not disturb each
// other's sequences.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^stream))
}
