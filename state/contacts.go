package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Contacts: creating one, and editing its tags, on a platform that allows
// it (ContactEditor; creating needs only CreateContact and
// ContactByNumber). Everything the agent types is checked here, before
// any request (see doc.go).

const (
	// MaxContactName is the longest contact name the platform takes, in
	// characters.
	MaxContactName = 255
	// MaxTagLength is the longest tag the platform takes, in characters.
	MaxTagLength = 50
	// MaxTags is how many tags a contact may have.
	MaxTags = 20
	// maxNumberInput is the longest phone number input looked at.
	maxNumberInput = 64
)

// numberExample ends every hint about writing a number.
const numberExample = "e.g. +44 7902 111123"

// NormalizeNumber turns a phone number as people write it — "+44 7902
// 111123", "+44 (0)7902-111123", "0044 7902 111123" — into E.164
// ("+447902111123"). The country code is required (a leading + or 00: the
// number alone does not say which country it is in), and the number must
// be a valid one for that country (right length, allocated range), as the
// platform checks. Errors are *InputError saying what to change.
func NormalizeNumber(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &InputError{"type the number with its country code, " + numberExample}
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNumberInput {
		return "", &InputError{"this is not a phone number: write it with its country code, " + numberExample}
	}
	var b strings.Builder
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune("-().", r):
			b.WriteByte(' ')
		default:
			return "", &InputError{"a phone number has only digits, spaces and + - ( ) .: write it with its country code, " + numberExample}
		}
	}
	n := strings.TrimSpace(b.String())
	if rest, ok := strings.CutPrefix(n, "00"); ok {
		n = "+" + rest
	}
	if !strings.HasPrefix(n, "+") {
		return "", &InputError{"start the number with + and its country code (or 00), " + numberExample}
	}
	num, err := phonenumbers.Parse(n, "")
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "", &InputError{"the number does not start with a known country code: write + and the country code first, " + numberExample}
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD),
		err != nil && digits < 6:
		return "", &InputError{"the number is too short: write it in full with its country code, " + numberExample}
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "", &InputError{"the number is too long: check the digits, " + numberExample}
	case err != nil:
		return "", &InputError{"this is not a phone number: write it with its country code, " + numberExample}
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if len(e164) > 16 { // E.164: at most 15 digits, whatever the country's own plan allows
		return "", &InputError{"the number is too long: check the digits, " + numberExample}
	}
	if !phonenumbers.IsValidNumber(num) || num.GetExtension() != "" {
		cc := int(num.GetCountryCode())
		where := fmt.Sprintf("+%d", cc)
		if region := phonenumbers.GetRegionCodeForCountryCode(cc); region != "" && region != "ZZ" && region != "001" {
			where += " (" + region + ")"
		}
		return "", &InputError{fmt.Sprintf("%s is not a valid number for %s: check the digits and how many there are", e164, where)}
	}
	return e164, nil
}

// ContactExistsError is the platform's answer to a new contact whose
// number the account already has: Existing is that contact, to open
// instead.
type ContactExistsError struct{ Existing Contact }

func (e *ContactExistsError) Error() string {
	label := strings.TrimSpace(SanitizeLine(e.Existing.Label()))
	if label == "" {
		label = "another contact"
	}
	return label + " already has this number in this account: open that contact instead"
}

// CheckContactName trims a contact name the agent typed and checks it:
// not empty, one line of ordinary characters (no control characters, no
// bidirectional overrides), at most MaxContactName characters.
func CheckContactName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", &InputError{"the contact needs a name"}
	case !utf8.ValidString(name):
		return "", &InputError{"the name is not valid text: type it again"}
	case !cleanLine(name):
		return "", &InputError{"the name has a control character (a tab, a line break or an escape): type it on one line"}
	}
	if n := utf8.RuneCountInString(name); n > MaxContactName {
		return "", &InputError{fmt.Sprintf("the name is %d characters long: at most %d are allowed", n, MaxContactName)}
	}
	return name, nil
}

// cleanLine reports whether text typed here for the platform (a name, a
// tag) is one line the sanitizer would draw unchanged: no control,
// separator, bidi or invisible formatting character. One rule, the
// sanitizer's, for what is shown and what may be sent.
func cleanLine(s string) bool { return SanitizeLine(s) == s }

// NormalizeTags cleans the tags the agent typed: each trimmed, empty ones
// dropped, duplicates that differ only in letter case dropped (the first
// spelling kept); each at most MaxTagLength characters with no control
// character, at most MaxTags of them. The result is never nil.
func NormalizeTags(tags []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !cleanLine(t) {
			return nil, &InputError{fmt.Sprintf("tag %q has a control character: type it on one line", truncateRunes(SanitizeLine(t), 19))}
		}
		if n := utf8.RuneCountInString(t); n > MaxTagLength {
			return nil, &InputError{fmt.Sprintf("tag %q is %d characters long: at most %d are allowed", truncateRunes(t, 19), n, MaxTagLength)}
		}
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, &InputError{fmt.Sprintf("%d tags: a contact may have at most %d", len(out), MaxTags)}
	}
	return out, nil
}

// CreateContact adds a contact to the platform and the store. c.AccountID
// is required; the name is trimmed and checked (CheckContactName) and the
// number normalised to E.164 (NormalizeNumber) before any request; tags
// are cleaned (NormalizeTags). A number the account already has is a
// *ContactExistsError carrying that contact, from the store or else from
// the platform (and then stored too), for the agent to open instead.
// Other failures are *InputError or the Backend's errors.
func (e *Engine) CreateContact(ctx context.Context, c Contact) (Contact, error) {
	c.AccountID = strings.TrimSpace(c.AccountID)
	if c.AccountID == "" {
		return Contact{}, &InputError{"choose the account the contact belongs to"}
	}
	var err error
	if c.Name, err = CheckContactName(c.Name); err != nil {
		return Contact{}, err
	}
	if c.Number, err = NormalizeNumber(c.Number); err != nil {
		return Contact{}, err
	}
	if c.Tags, err = NormalizeTags(c.Tags); err != nil {
		return Contact{}, err
	}
	c.Email = strings.TrimSpace(c.Email)
	c.ID = ""
	be, ok := e.be.(contactCreator)
	if !ok {
		return Contact{}, e.errNoCapability("add contacts from mbx")
	}
	e.touch()
	got, err := be.CreateContact(ctx, c)
	switch KindOf(err) {
	case 0:
		if err != nil {
			return Contact{}, err
		}
	case KindConflict:
		return Contact{}, e.existingContact(ctx, c.AccountID, c.Number, err)
	case KindAmbiguous:
		// The answer was lost: the contact may have been created. If the
		// platform has it, it was (a number taken before would have been
		// a conflict, unless someone else just created it).
		ex, ok, lerr := be.ContactByNumber(ctx, c.AccountID, c.Number)
		if lerr != nil || !ok {
			return Contact{}, err
		}
		if ex.Name != c.Name {
			return Contact{}, e.existingContact(ctx, c.AccountID, c.Number, err)
		}
		got = ex
	default:
		return Contact{}, err
	}
	if got.ID == "" {
		return Contact{}, fmt.Errorf("the platform created the contact without an id")
	}
	got = filledContact(got, c)
	if err := e.storeContact(got); err != nil {
		return got, err
	}
	return got, nil
}

// existingContact is the answer to a duplicate number: the contact that
// has it, from the store, else from the platform; conflict itself when
// neither can say.
func (e *Engine) existingContact(ctx context.Context, accountID, number string, conflict error) error {
	if ex, ok, err := e.store.ContactByNumber(accountID, number); err == nil && ok {
		return &ContactExistsError{Existing: ex}
	}
	be, ok := e.be.(contactCreator)
	if !ok {
		return conflict
	}
	ex, ok, err := be.ContactByNumber(ctx, accountID, number)
	if err != nil || !ok {
		if err != nil {
			e.log.Info("contacts: looking up a duplicate number", "err", err)
		}
		return conflict
	}
	ex = filledContact(ex, Contact{AccountID: accountID, Number: number})
	if err := e.storeContact(ex); err != nil {
		e.log.Error("contacts: storing the existing contact", "err", err)
	}
	return &ContactExistsError{Existing: ex}
}

// SetContactTags replaces a contact's tags (cleaned by NormalizeTags) on
// the platform and in the store; its other fields are sent as the
// platform has them (read just before, as the store may not know the
// contact's email), or as the store has them when the platform cannot find
// it by its number.
func (e *Engine) SetContactTags(ctx context.Context, contactID string, tags []string) (Contact, error) {
	tags, err := NormalizeTags(tags)
	if err != nil {
		return Contact{}, err
	}
	be, ok := e.be.(contactUpdater)
	if !ok {
		return Contact{}, e.errNoCapability("edit contacts from mbx")
	}
	c, ok, err := e.store.Contact(contactID)
	if err != nil {
		return Contact{}, err
	}
	if !ok {
		return Contact{}, &InputError{"this contact is not in mbx yet: wait for the next sync and try again"}
	}
	e.touch()
	if cur, ok, err := be.ContactByNumber(ctx, c.AccountID, c.Number); err != nil {
		return Contact{}, err
	} else if ok && cur.ID == c.ID {
		c = filledContact(cur, c)
	}
	c.Tags = tags
	got, err := be.UpdateContact(ctx, c)
	if err != nil {
		return Contact{}, err
	}
	got = filledContact(got, c)
	if err := e.storeContact(got); err != nil {
		return got, err
	}
	return got, nil
}

// filledContact is got with the identifying fields it lacks taken from
// sent.
func filledContact(got, sent Contact) Contact {
	got.ID = orStr(got.ID, sent.ID)
	got.AccountID = orStr(got.AccountID, sent.AccountID)
	got.Number = orStr(got.Number, sent.Number)
	got.Name = orStr(got.Name, sent.Name)
	if got.Tags == nil {
		got.Tags = sent.Tags
	}
	return got
}

// storeContact writes a contact the platform answered with and tells
// subscribers.
func (e *Engine) storeContact(c Contact) error {
	renamed, err := e.store.upsertFullContacts([]Contact{c})
	if err != nil {
		return err
	}
	e.bus.publish(Changes{Reference: true, Conversations: idSet(renamed), List: len(renamed) > 0})
	return nil
}
