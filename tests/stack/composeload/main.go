// composeload loads compose files with Docker Compose's own loader (compose-go, the library behind
// `docker compose config`): interpolation from one env file only (never the caller's
// environment), overlays merged (including !reset), the model validated. It prints the resolved
// project as JSON, or the loader's error on stderr with exit code 1.
//
//	composeload ENV_FILE PROFILE[,PROFILE] COMPOSE_FILE [OVERLAY...]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: composeload ENV_FILE PROFILES COMPOSE_FILE [OVERLAY...]")
		os.Exit(2)
	}
	envFile, profiles, files := os.Args[1], os.Args[2], os.Args[3:]
	options, err := cli.NewProjectOptions(
		files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithName("llmobs-check"),
		cli.WithProfiles(strings.Split(profiles, ",")),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
