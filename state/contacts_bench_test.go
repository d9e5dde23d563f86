package state

import "testing"

// Benchmarks of the contact lookups of the contacts panel and of starting
// a conversation, on the synthetic store of store_bench_test.go (100,000
// conversations, each with its own contact).

// benchContactTarget is the conversation half-way down the inbox, whose
// contact the lookups look for.
func benchContactTarget(b *testing.B, s *Store) Conversation {
	b.Helper()
	c, ok, err := s.Conversation(benchData.middleID)
	if err != nil || !ok || c.ContactNumber == "" {
		b.Fatalf("conversation %s: %+v, %v, %v", benchData.middleID, c, ok, err)
	}
	return c
}

// BenchmarkRecentContacts reads the contacts panel's first screen before
// anything is typed: the 100 contacts with the latest activity.
func BenchmarkRecentContacts(b *testing.B) {
	s := openBench(b)
	for b.Loop() {
		cs, err := s.RecentContacts(100)
		if err != nil || len(cs) != 100 {
			b.Fatalf("recent contacts: %d, %v", len(cs), err)
		}
	}
}

// BenchmarkContactByNumber finds an account's contact by its number: one
// that is there, and one that is not.
func BenchmarkContactByNumber(b *testing.B) {
	s := openBench(b)
	target := benchContactTarget(b, s)
	for _, tt := range []struct {
		name, number string
		found        bool
	}{{"hit", target.ContactNumber, true}, {"miss", "+15550000000", false}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				c, ok, err := s.ContactByNumber(target.AccountID, tt.number)
				if err != nil || ok != tt.found || (ok && c.ID != target.ContactID) {
					b.Fatalf("contact by number %s: %+v, %v, %v", tt.number, c, ok, err)
				}
			}
		})
	}
}

// BenchmarkConversationFor finds a contact's conversation in an account
// (starting a conversation from the contacts panel).
func BenchmarkConversationFor(b *testing.B) {
	s := openBench(b)
	target := benchContactTarget(b, s)
	for b.Loop() {
		c, ok, err := s.ConversationFor(target.AccountID, target.ContactID)
		if err != nil || !ok || c.ID != target.ID {
			b.Fatalf("conversation for %s: %+v, %v, %v", target.ContactID, c, ok, err)
		}
	}
}
