package msgboxx

import (
	"strings"
	"testing"
)

// A refused webhook target is named without what may carry a secret.
func TestCheckWebhookRedacts(t *testing.T) {
	err := checkWebhook("POST /webhook", WebhookInput{Type: "message", TargetURL: "http://user:pw@hooks.example/in?token=abc123"})
	if err == nil || strings.Contains(err.Error(), "abc123") || strings.Contains(err.Error(), "pw@") {
		t.Fatalf("err = %v", err)
	}
	if err := checkWebhook("POST /webhook", WebhookInput{Type: "message", TargetURL: "https://hooks.example/in?token=abc123"}); err != nil {
		t.Errorf("https target refused: %v", err)
	}
}
