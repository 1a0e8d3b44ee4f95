import { installConsoleGuard } from "@patchbay/gateway";

// The same guard the gateway process installs: libsignal prints key material with console.*.
installConsoleGuard();
