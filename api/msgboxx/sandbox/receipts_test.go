package sandbox

import (
	"testing"
	"time"
)

// ReadReceipts "some" (the default) leaves the outgoing messages of
// customers who never read at Delivered; "all" lets every one reach Read.
func TestReadReceiptsSwitch(t *testing.T) {
	for _, c := range []struct {
		receipts string
		want     string
	}{{"", statusDelivered}, {"some", statusDelivered}, {"all", statusRead}} {
		h := newHarness(t, Config{ReadReceipts: c.receipts, StatusStep: time.Second})
		st := h.s.st
		var never *contact
		for _, k := range st.contacts {
			if k.neverReads {
				never = k
				break
			}
		}
		if never == nil {
			t.Fatal("the demo has no customer who never reads")
		}
		now := h.clock.Now()
		_, idx := st.newLiveMessage(never, now, "hello", 0, flagOutgoing)
		got, _, _, _ := st.messageStatus(&st.msgs[idx], now.Add(10*time.Second).UnixMicro())
		if got != c.want {
			t.Errorf("ReadReceipts %q: a never-reading customer's message is %s, want %s", c.receipts, got, c.want)
		}
	}
}
