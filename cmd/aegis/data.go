package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/iamdb/servicereference"
	"github.com/spf13/cobra"
)

// iamCacheDir is where "aegis data update" stores its result:
// os.UserCacheDir()/aegis-iam ($XDG_CACHE_HOME/aegis-iam on Linux).
func iamCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locating the user cache directory: %w", err)
	}
	return filepath.Join(base, "aegis-iam"), nil
}

// openIAMDB returns the IAM database every command uses: the embedded
// snapshot, overlaid with the result of "aegis data update" when present.
func openIAMDB() (*iamdb.DB, error) {
	dir, err := iamCacheDir()
	if err != nil {
		return nil, err
	}
	db, err := iamdb.Open(dir)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("%w (run \"aegis data update --revert\" to go back to the embedded data)", err)}
	}
	return db, nil
}

func newDataCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Show or refresh the IAM service-authorization database",
		Long: `The IAM database (services, actions, access levels, resource types, ARN formats,
condition keys) is embedded in aegis. "aegis data update" refreshes it from AWS's
published service reference; "aegis data info" shows what is in use.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newDataInfoCmd(env), newDataUpdateCmd(env))
	return cmd
}

func newDataInfoCmd(env *Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print the IAM database's provenance, date, source and counts",
		Example: `  aegis data info
  aegis data info --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format %q: want text or json", format)
			}
			dir, err := iamCacheDir()
			if err != nil {
				return err
			}
			db, err := openIAMDB()
			if err != nil {
				return err
			}
			info := newDataInfo(db, dir)
			if format == "json" {
				return writeJSON(env.Stdout, info)
			}
			return info.writeText(env.Stdout)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// dataInfo is the JSON shape of "aegis data info".
type dataInfo struct {
	Source     string            `json:"source"` // "embedded" or "updated"
	DataDate   string            `json:"dataDate"`
	Provenance iamdb.Provenance  `json:"provenance"`
	Base       *iamdb.Provenance `json:"base,omitempty"` // the embedded snapshot under an update
	Counts     iamdb.Stats       `json:"counts"`
	CacheDir   string            `json:"cacheDir"`
}

func newDataInfo(db *iamdb.DB, cacheDir string) dataInfo {
	info := dataInfo{Source: "embedded", Provenance: db.Provenance(), Counts: db.Stats(), CacheDir: cacheDir}
	info.DataDate = info.Provenance.UpdatedAt
	if base, ok := db.Base(); ok {
		info.Source = "updated"
		info.Base = &base
	}
	return info
}

func (d dataInfo) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := d.Provenance
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s:\t%s\n", k, fmt.Sprintf(format, args...)) }
	if d.Base != nil {
		row("Source", "updated from the AWS service reference (%s)", p.IndexURL)
		row("Data date", "%s", d.DataDate)
		row("Base", "%s@%s (%s licence), data date %s", d.Base.Package, d.Base.Version, d.Base.License, d.Base.UpdatedAt)
	} else {
		row("Source", "embedded snapshot")
		row("Data date", "%s", d.DataDate)
		row("Package", "%s@%s (%s licence)", p.Package, p.Version, p.License)
		row("Integrity", "%s", p.Integrity)
		row("Generator", "%s", p.Generator)
		if p.DependentActions != nil {
			row("Dependent actions", "%s@%s (legacy)", p.DependentActions.Package, p.DependentActions.Version)
		}
	}
	c := d.Counts
	row("Services", "%d", c.Services)
	row("Actions", "%d", c.Actions)
	row("Resource types", "%d", c.ResourceTypes)
	row("Condition keys", "%d service-specific, %d global", c.ConditionKeys, c.GlobalKeys)
	row("API operations", "%d", c.Operations)
	row("Cache directory", "%s", d.CacheDir)
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newDataUpdateCmd(env *Env) *cobra.Command {
	var (
		revert   bool
		indexURL string
		timeout  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Refresh the IAM database from AWS's published service reference",
		Long: `Downloads AWS's machine-readable service authorization reference
(` + servicereference.DefaultIndexURL + `), lays it over the embedded
snapshot and stores the result in the user cache directory (aegis-iam/), where
every command picks it up. Only https URLs on amazonaws.com listed by the index
are fetched; the update is refused, and the current data kept, if it looks broken
(fewer than 400 services, or more than 5% of the actions removed).

--revert deletes the stored update and goes back to the embedded snapshot.`,
		Example: `  aegis data update
  aegis data update --revert`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := iamCacheDir()
			if err != nil {
				return err
			}
			if revert {
				return revertUpdate(env.Stdout, dir)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			client := &servicereference.Client{IndexURL: indexURL}
			return runUpdate(ctx, env.Stdout, dir, client, servicereference.DefaultGates())
		},
	}
	cmd.Flags().BoolVar(&revert, "revert", false, "delete the stored update and use the embedded snapshot")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "give up after this long")
	cmd.Flags().StringVar(&indexURL, "index-url", servicereference.DefaultIndexURL, "service reference index (testing)")
	cmd.Flags().Lookup("index-url").Hidden = true
	return cmd
}

// runUpdate fetches the service reference with client, checks the merged
// result against gates and stores the update in dir. Nothing is written
// unless every service was read and every gate passed.
func runUpdate(ctx context.Context, w io.Writer, dir string, client *servicereference.Client, gates servicereference.Gates) error {
	base, err := iamdb.Embedded()
	if err != nil {
		return err
	}
	update, err := client.Fetch(ctx)
	if err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("data update failed, current data kept: %w", err)}
	}
	merged, err := iamdb.Overlay(base, update)
	if err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("data update failed, current data kept: %w", err)}
	}
	change, err := gates.Check(base, merged)
	if err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("data update refused, current data kept: %w", err)}
	}
	if err := iamdb.WriteOverlay(dir, update); err != nil {
		return err
	}
	fmt.Fprintf(w, "updated from %s\n", update.Provenance().IndexURL)
	fmt.Fprintf(w, "%d services, %d actions (%d added, %d removed relative to the embedded snapshot)\n",
		change.Services, change.Actions, len(change.AddedActions), len(change.RemovedActions))
	if len(change.RemovedServices) > 0 {
		fmt.Fprintf(w, "services no longer listed: %d\n", len(change.RemovedServices))
	}
	fmt.Fprintf(w, "stored in %s\n", filepath.Join(dir, iamdb.OverlayFile))
	return nil
}

func revertUpdate(w io.Writer, dir string) error {
	removed, err := iamdb.RemoveOverlay(dir)
	if err != nil {
		return err
	}
	db, err := iamdb.Embedded()
	if err != nil {
		return err
	}
	p := db.Provenance()
	if !removed {
		fmt.Fprintf(w, "no stored update; using the embedded snapshot (%s@%s, data date %s)\n", p.Package, p.Version, p.UpdatedAt)
		return nil
	}
	fmt.Fprintf(w, "reverted to the embedded snapshot (%s@%s, data date %s)\n", p.Package, p.Version, p.UpdatedAt)
	return nil
}
