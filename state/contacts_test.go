package state

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeNumber(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // in the error, when want is ""
	}{
		{in: "+44 7902 111123", want: "+447902111123"},
		{in: "+447902111123", want: "+447902111123"},
		{in: "  +44 (0)7902-111123 ", want: "+447902111123"},
		{in: "+44 07902 111123", want: "+447902111123"},
		{in: "0044 7902 111123", want: "+447902111123"},
		{in: "00 44 7902 111123", want: "+447902111123"},
		{in: "+44.7902.111.123", want: "+447902111123"},
		{in: "+44\u00a07902\u00a0111123", want: "+447902111123"}, // pasted with no-break spaces
		{in: "+1 (202) 555-0143", want: "+12025550143"},
		{in: "+49 30 123456", want: "+4930123456"},
		{in: "+351 912 345 678", want: "+351912345678"},
		{in: "", err: "type the number with its country code, e.g. +44 7902 111123"},
		{in: "   ", err: "type the number with its country code"},
		{in: "07902 111123", err: "start the number with + and its country code (or 00), e.g. +44 7902 111123"},
		{in: "447902111123", err: "start the number with +"},
		// One rule, the shape only: validity is the platform's call.
		{in: "+4479051337665", want: "+4479051337665"}, // the API reference's own example (a digit long for a UK mobile)
		{in: "+44 7700 900123", want: "+447700900123"}, // Ofcom's range for drama: not allocated, still a number's shape
		{in: "+44 7902 11112", want: "+44790211112"},
		{in: "+999 1234567", want: "+9991234567"}, // no such country code: the platform says so
		{in: "+683 4002", want: "+6834002"},       // Niue: 7 digits in all
		{in: "+0 44 7902 111123", err: "no country code starts with 0"},
		{in: "+44 790", err: "has 5 digits, too short"},
		{in: "+44 7902\n111123", err: "line break (U+000A LINE FEED)"},
		{in: "+447902111123\n", err: "line break"},
		{in: "+44 7902\r111123", err: "line break (U+000D CARRIAGE RETURN)"},
		{in: "+44 7902\u2028111123", err: "line break (U+2028 LINE SEPARATOR)"},
		{in: "+44 7902\u0085111123", err: "line break (U+0085 NEXT LINE (NEL))"},
		{in: "+44 7902\t111123", err: "invisible character (U+0009 TAB)"},
		{in: "+44 7902\x00111123", err: "invisible character (U+0000 NUL)"},
		{in: "\u202e+44 7902 111123", err: "invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)"},
		{in: "+44 7902\u200b111123", err: "invisible character (U+200B)"},
		{in: "+44 7902\u009b111123", err: "invisible character (U+009B CONTROL SEQUENCE INTRODUCER)"},
		{in: "+", err: "too short"},
		{in: "+44", err: "too short"},
		{in: "++447902111123", err: "a + may only start the number"},
		{in: "+44/7902/111123", want: "+447902111123"},
		{in: "+44 7902 111123 ext 5", err: "only digits"},
		{in: "+1 800 FLOWERS", err: "only digits"},
		{in: "+44 7902\x1b[31m111123", err: "invisible character (U+001B ESCAPE)"},
		{in: "+44 7902 111123+", err: "only digits"},
		{in: "+44 7902 111123 x", err: `"x" is not part of a phone number`},
		{in: "+44 \xff", err: "not a phone number"},
		{in: "+" + strings.Repeat("1", 70), err: "not a phone number"},
		{in: "+44 7902 111123 1234 5678", err: "too long"},
		{in: "+49  0 2100 000000 00000", err: "too long"}, // valid in Germany's plan, but over E.164's 15 digits
	}
	for _, tt := range tests {
		got, err := NormalizeNumber(tt.in)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.err) || got != "" {
			t.Errorf("NormalizeNumber(%q) = %q, %v; want an InputError with %q", tt.in, got, err, tt.err)
		}
	}
}

func FuzzNormalizeNumber(f *testing.F) {
	for _, s := range []string{"+44 7902 111123", "+44 (0)7902-111123", "0044 7902 111123", "07902 111123", "+1 800 FLOWERS",
		"+999 1", "+", "00", "+44 7902 111123 1234 5678", "+\u00a044", "+44 \xff", "+0 1", "(+44) 7902", "+٤٤ ٧٩٠٢", "+49  0 2100 000000 00000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4*maxNumberInput+8 {
			// Refused by length alone; long inputs only slow the
			// fuzzer's minimizer down.
			t.Skip()
		}
		got, err := NormalizeNumber(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || got != "" || !utf8.ValidString(ie.Msg) || strings.ContainsAny(ie.Msg, "\x1b\r\n") {
				t.Fatalf("NormalizeNumber(%q) = %q, %v", s, got, err)
			}
			return
		}
		if len(got) < 8 || len(got) > 16 || got[0] != '+' || got[1] == '0' || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("NormalizeNumber(%q) = %q: not E.164", s, got)
		}
		if again, err := NormalizeNumber(got); err != nil || again != got {
			t.Fatalf("NormalizeNumber(%q) = %q, but NormalizeNumber(%q) = %q, %v", s, got, got, again, err)
		}
	})
}

func TestNormalizeTags(t *testing.T) {
	long := strings.Repeat("é", MaxTagLength)
	tests := []struct {
		in   []string
		want []string
		err  string
	}{
		{in: nil, want: []string{}},
		{in: []string{"  vip ", "", "  ", "VIP", "Tenant", "tenant", "Vip", "landlord"}, want: []string{"vip", "Tenant", "landlord"}},
		{in: []string{long}, want: []string{long}},
		{in: []string{long + "x"}, err: "is 51 characters long: at most 50"},
		{in: []string{"a\tb"}, err: "control character"},
		{in: []string{"evil\u202e"}, err: "control character"},
		{in: []string{"a\x1b[2J"}, err: "control character"},
		{in: slices.Repeat([]string{"x"}, 30), want: []string{"x"}},
		{in: func() []string {
			var out []string
			for i := range MaxTags + 1 {
				out = append(out, strings.Repeat("t", i+1))
			}
			return out
		}(), err: "at most 20"},
	}
	for _, tt := range tests {
		got, err := NormalizeTags(tt.in)
		if tt.err != "" {
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.err) {
				t.Errorf("NormalizeTags(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("NormalizeTags(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckContactName(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{in: "  Zoë Ng 🏠 ", want: "Zoë Ng 🏠"},
		{in: " ", err: "the contact needs a name"},
		{in: "Ana\nLima", err: "control character"},
		{in: "Ana\x1b]8;;http://x\x07Lima", err: "control character"},
		{in: "Ana\u202eamiL", err: "control character"},
		{in: "Ana \xff", err: "not valid text"},
		{in: strings.Repeat("a", MaxContactName+1), err: "at most 255"},
	} {
		got, err := CheckContactName(tt.in)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckContactName(%q) = %q, %v", tt.in, got, err)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.err) {
			t.Errorf("CheckContactName(%q) = %q, %v; want %q", tt.in, got, err, tt.err)
		}
	}
}

func TestContactExistsErrorWords(t *testing.T) {
	e := &ContactExistsError{Existing: Contact{Name: "Ana\x1b[31m Lima", Number: "+447902111123"}}
	if got := e.Error(); strings.ContainsRune(got, '\x1b') || !strings.HasSuffix(got, " already has this number in this account: open that contact instead") {
		t.Errorf("%q", got)
	}
	if got := (&ContactExistsError{Existing: Contact{Number: "+447902111123"}}).Error(); !strings.HasPrefix(got, "+447902111123 already has") {
		t.Errorf("%q", got)
	}
}

// contactBackend scripts the contact calls of the Backend.
type contactBackend struct {
	Backend
	creates, lookups int
	create           func(Contact) (Contact, error)
	lookup           func(accountID, number string) (Contact, bool, error)
}

func (b *contactBackend) CreateContact(_ context.Context, c Contact) (Contact, error) {
	b.creates++
	return b.create(c)
}

func (b *contactBackend) ContactByNumber(_ context.Context, accountID, number string) (Contact, bool, error) {
	b.lookups++
	return b.lookup(accountID, number)
}

func TestCreateContactConflictNobodyKnows(t *testing.T) {
	conflict := &BackendError{Kind: KindConflict, Op: "POST /contact", Message: "Duplicate Contact attempted"}
	be := &contactBackend{
		create: func(Contact) (Contact, error) { return Contact{}, conflict },
		lookup: func(string, string) (Contact, bool, error) { return Contact{}, false, nil },
	}
	s := openTest(t)
	e := NewEngine(s, be, Config{})
	_, err := e.CreateContact(context.Background(), Contact{AccountID: "a1", Name: "Ana", Number: "+44 7902 111123"})
	if err != conflict || be.creates != 1 || be.lookups != 1 {
		t.Errorf("err %v, %d creates, %d lookups", err, be.creates, be.lookups)
	}
	// Refused here: no request.
	for _, c := range []Contact{
		{Name: "Ana", Number: "+447902111123"},
		{AccountID: "a1", Name: " ", Number: "+447902111123"},
		{AccountID: "a1", Name: "Ana", Number: "07902 111123"},
		{AccountID: "a1", Name: "Ana", Number: "+447902111123", Tags: []string{"a\nb"}},
	} {
		var ie *InputError
		if _, err := e.CreateContact(context.Background(), c); !errors.As(err, &ie) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if be.creates != 1 {
		t.Errorf("%d creates", be.creates)
	}
}

// TestCreateContactLostAnswer: the POST's answer was lost; the platform
// has the contact, so it was created.
func TestCreateContactLostAnswer(t *testing.T) {
	lost := &BackendError{Kind: KindAmbiguous, Op: "POST /contact"}
	var onPlatform Contact
	be := &contactBackend{
		create: func(Contact) (Contact, error) { return Contact{}, lost },
		lookup: func(a, n string) (Contact, bool, error) { return onPlatform, onPlatform.ID != "", nil },
	}
	s := openTest(t)
	e := NewEngine(s, be, Config{})
	in := Contact{AccountID: "a1", Name: "Ana", Number: "+44 7902 111123"}
	if _, err := e.CreateContact(context.Background(), in); err != lost {
		t.Errorf("not on the platform: %v", err)
	}
	onPlatform = Contact{ID: "k1", AccountID: "a1", Name: "Ana", Number: "+447902111123"}
	got, err := e.CreateContact(context.Background(), in)
	if err != nil || got.ID != "k1" {
		t.Errorf("created: %+v %v", got, err)
	}
	if c, ok, _ := s.Contact("k1"); !ok || c.Number != "+447902111123" {
		t.Errorf("stored %+v", c)
	}
	// Someone else's contact with that number: it exists.
	onPlatform = Contact{ID: "k2", AccountID: "a1", Name: "Other", Number: "+447902111124"}
	in.Number = "+447902111124"
	var ce *ContactExistsError
	if _, err := e.CreateContact(context.Background(), in); !errors.As(err, &ce) || ce.Existing.ID != "k2" {
		t.Errorf("someone else's: %v", err)
	}
}
