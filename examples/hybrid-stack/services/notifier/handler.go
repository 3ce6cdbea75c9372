package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Notification is one alert sent for an event.
type Notification struct {
	ID       int64     `json:"id"`
	Type     string    `json:"type"`
	Severity string    `json:"severity"`
	Channel  string    `json:"channel"`
	SentAt   time.Time `json:"sentAt"`
}

// store keeps the most recent notifications in memory.
type store struct {
	mu    sync.Mutex
	max   int
	items []Notification
}

func newStore(max int) *store { return &store{max: max} }

func (s *store) add(n Notification) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, n)
	if len(s.items) > s.max {
		s.items = s.items[len(s.items)-s.max:]
	}
}

func (s *store) byType(eventType string) []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Notification{}
	for _, n := range s.items {
		if eventType == "" || n.Type == eventType {
			out = append(out, n)
		}
	}
	return out
}

// channelFor picks where an alert goes; low and medium events are not notified.
func channelFor(severity string) (string, bool) {
	switch strings.ToLower(severity) {
	case "critical":
		return "pager", true
	case "high":
		return "chat", true
	case "medium", "low":
		return "", false
	default:
		return "", false
	}
}

var severities = map[string]bool{"low": true, "medium": true, "high": true, "critical": true}

type notifyRequest struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	Severity string `json:"severity"`
}

func newHandler(s *store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /notify", func(w http.ResponseWriter, r *http.Request) {
		var req notifyRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not valid JSON: " + err.Error()})
			return
		}
		if req.Type == "" || !severities[req.Severity] {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `expected {"type": string, "severity": low|medium|high|critical, "id": number}`})
			return
		}
		channel, notify := channelFor(req.Severity)
		if !notify {
			writeJSON(w, http.StatusOK, map[string]any{"notified": false})
			return
		}
		s.add(Notification{ID: req.ID, Type: req.Type, Severity: req.Severity, Channel: channel, SentAt: time.Now().UTC()})
		writeJSON(w, http.StatusAccepted, map[string]any{"notified": true, "channel": channel})
	})
	mux.HandleFunc("GET /notifications", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"notifications": s.byType(r.URL.Query().Get("type"))})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
