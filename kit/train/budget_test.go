package train

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// captureWarnings replaces Warnf for the test and returns the collected lines.
func captureWarnings(t *testing.T) func() []string {
	t.Helper()
	var mu sync.Mutex
	var lines []string
	prev := Warnf
	Warnf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	t.Cleanup(func() { Warnf = prev })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), lines...)
	}
}

func TestBudget(t *testing.T) {
	warnings := captureWarnings(t)
	for _, tc := range []struct {
		env   string
		unset bool
		want  Budget
		warn  bool
	}{
		{unset: true, want: BudgetFull},
		{env: "", want: BudgetFull},
		{env: "quick", want: BudgetQuick},
		{env: " QUICK ", want: BudgetQuick},
		{env: "full", want: BudgetFull},
		{env: "Full", want: BudgetFull},
		{env: "quik", want: BudgetFull, warn: true},
	} {
		if tc.unset {
			t.Setenv(EnvBudget, "x") // registers restoration
			unsetenv(t, EnvBudget)
		} else {
			t.Setenv(EnvBudget, tc.env)
		}
		n := len(warnings())
		if got := CurrentBudget(); got != tc.want {
			t.Errorf("%s=%q: CurrentBudget()=%q, want %q", EnvBudget, tc.env, got, tc.want)
		}
		if got := Quick(); got != (tc.want == BudgetQuick) {
			t.Errorf("%s=%q: Quick()=%v", EnvBudget, tc.env, got)
		}
		if got := Pick("q", "f"); got != map[Budget]string{BudgetQuick: "q", BudgetFull: "f"}[tc.want] {
			t.Errorf("%s=%q: Pick gave %q", EnvBudget, tc.env, got)
		}
		if warned := len(warnings()) > n; warned != tc.warn {
			t.Errorf("%s=%q: warned=%v, want %v (%v)", EnvBudget, tc.env, warned, tc.warn, warnings())
		}
	}
	// The warning for one bad value is given once, not on every call.
	n := len(warnings())
	CurrentBudget()
	if len(warnings()) != n {
		t.Errorf("repeated warning for the same bad value")
	}
	if !strings.Contains(strings.Join(warnings(), "\n"), `"quik"`) {
		t.Errorf("warning does not name the bad value: %v", warnings())
	}
	if _, err := ParseBudget("medium"); err == nil {
		t.Errorf("ParseBudget(medium) gave no error")
	}
}
