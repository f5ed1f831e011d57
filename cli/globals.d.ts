/** The package version, injected by the build (`define`). */
declare const CLI_VERSION: string;
