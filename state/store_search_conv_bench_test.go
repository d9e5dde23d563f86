package state

import (
	"context"
	"testing"
)

// BenchmarkSearchCustomers is what / costs on the synthetic store of
// 100,000 conversations: a number written in full and as a suffix, a
// short run of digits, a name, one letter, and a word of the messages.
func BenchmarkSearchCustomers(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	for _, q := range []string{"+44 7902 111123", "7902111123", "1123", "ana silva", "a", benchSearchWord} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
