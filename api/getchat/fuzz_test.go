package getchat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The seeds below (every event and reference example in testdata) run in
// every plain `go test`; `go test -fuzz=FuzzDecodeEvent ./api/getchat/`
// explores further.

func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func FuzzDecodeEvent(f *testing.F) {
	addSeeds(f, "testdata/events/*.json", "testdata/reference/webhook_*.json", "testdata/reference/rule_engine_*.json")
	for _, s := range []string{``, `{}`, `null`, `{"type":"waba_webhook","waba_payload":{"entry":[{"changes":[{"value":{"messages":[{}]}}]}]}}`,
		`{"statuses":[{"id":1,"status":"read","timestamp":"9999999999999"}]}`, `{"chat_tagging":[1,"x",{"action":"added"}]}`,
		`{"tagged_chats":[{"new_tag":7,"chat":{"contact":{"wa_id":"1"}}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeEvent(data)
		if err != nil {
			if len(d.Events) > 0 {
				t.Fatalf("error %v with %d events", err, len(d.Events))
			}
			return
		}
		if d.Control != nil && len(d.Events) > 0 {
			t.Fatal("control frame with events")
		}
		if len(d.Events) > maxEvents || len(d.Problems) > maxEvents {
			t.Fatalf("unbounded: %d events %d problems", len(d.Events), len(d.Problems))
		}
		for _, e := range d.Events {
			if e.Kind < EventInbound || e.Kind > EventResolve || e.Source == "" {
				t.Fatalf("bad event %+v", e)
			}
			switch e.Kind {
			case EventInbound, EventOutbound:
				if e.Message == nil || e.WaID == "" || (e.MessageID == "" && e.GetchatID == "") {
					t.Fatalf("message event without ids: %+v", e)
				}
			case EventStatus:
				if e.Status == "" || (e.MessageID == "" && e.GetchatID == "") {
					t.Fatalf("status event without id: %+v", e)
				}
			case EventAssignment:
				if e.Assignment == nil || e.WaID == "" {
					t.Fatalf("assignment without chat: %+v", e)
				}
			case EventTagging:
				if e.Tagging == nil || (e.WaID == "" && e.MessageID == "") {
					t.Fatalf("tagging without target: %+v", e)
				}
			case EventResolve:
				if e.WaID == "" {
					t.Fatalf("resolve without chat: %+v", e)
				}
			}
		}
		for _, p := range d.Problems {
			if p.Err == nil || p.Error() == "" {
				t.Fatalf("empty problem %+v", p)
			}
		}
	})
}

func FuzzDecodePage(f *testing.F) {
	addSeeds(f, "testdata/reference/*_page.json", "testdata/reference/chats_bare_array.json", "testdata/reference/messages_page_video.json")
	for _, s := range []string{``, `[]`, `{}`, `{"results":[null,1,"x",{}]}`, `{"count":null,"next":5}`, `[{"wa_id":1}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every item either decodes or is reported; none is lost.
		total := func() int {
			var env struct {
				Results []json.RawMessage `json:"results"`
			}
			var arr []json.RawMessage
			if json.Unmarshal(data, &arr) == nil {
				return len(arr)
			}
			if json.Unmarshal(data, &env) == nil {
				return len(env.Results)
			}
			return -1
		}()
		for _, decode := range []func([]byte) (int, int, error){
			pageCounts[Chat], pageCounts[Message], pageCounts[User], pageCounts[Template], pageCounts[TaggingEvent],
		} {
			ok, skipped, err := decode(data)
			if err != nil {
				continue
			}
			if total >= 0 && ok+skipped != total {
				t.Fatalf("%d decoded + %d skipped != %d items", ok, skipped, total)
			}
		}
	})
}

func pageCounts[T any](data []byte) (int, int, error) {
	p, err := DecodePage[T](data)
	if err != nil {
		return 0, 0, err
	}
	if p.Count < 0 && p.HasCount && p.Bare {
		panic("bare page with negative count")
	}
	return len(p.Results), len(p.Skipped), nil
}
