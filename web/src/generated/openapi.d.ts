// Generated from internal/server/openapi.json by openapi-typescript: do not edit.
// Regenerate with `npm run gen:types` (npm run build does it first);
// `npm run check:types` fails when this file is stale.

export interface paths {
    "/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Log in with a one-time login URL
         * @description `dsp serve` prints a one-time login URL (`/login?token=…`, valid once for 15 minutes). A valid token sets the session cookie and redirects to `/`; a spent, expired or unknown token redirects to `/#/login?expired=1` without a cookie. Without `token` this is the UI (like `/`).
         */
        get: operations["tokenLogin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with the admin password
         * @description Checks the admin password (in `<home>/.dsp.d/admin-password`, created with mode 0600 on first start) and sets the session cookie. After 5 failed logins within a minute, a client (by IP address) gets 429 with `Retry-After` until the oldest failure is a minute old.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tell whether the request has a valid session
         * @description Public: answers 401 rather than refusing. A valid session is extended by every authenticated request (sessions last 12 hours after their last use and live in memory: restarting dsp logs everyone out).
         */
        get: operations["session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the session
         * @description Ends the session and clears the cookie (Max-Age=-1).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List every lab of every repository, with its state
         * @description The catalogue (report.Catalogue), as `dsp lab list --json`. States are `unknown` when Docker cannot be reached.
         */
        get: operations["listLabs"];
        put?: never;
        /**
         * Create a lab in the personal repository (new, or a copy)
         * @description Makes the lab `name` in the personal repository, whole or not at all (it is made in the main directory's temporary folder and renamed into place): a new native lab, or a copy of the lab `from` — its whole folder, confined: symbolic links that lead out of the lab folder are neither followed nor copied. Answers the new lab's details, as GET /api/labs/{repo}/{lab}. The `repos` event names the personal repository.
         */
        post: operations["createLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * Describe a lab
         * @description The lab's model, images, risks, trust, and the state of one instance (`instance`, default `default`) with the list of its running instances (report.Details), as `dsp lab show --json`. An invalid lab is described too, with `valid: false` and its `errors`.
         */
        get: operations["getLab"];
        put?: never;
        post?: never;
        /**
         * Delete a lab of the personal repository
         * @description Deletes the lab's folder (renamed away first, so that the catalogue never sees half a lab) and what dsp recorded for it (its exposure). Refused for labs of other repositories (403) and while an instance of the lab exists or an operation works on it (409). The `repos` event names the personal repository.
         */
        delete: operations["deleteLab"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/status": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * Read a lab's state from Docker
         * @description The state of one instance (`instance`, default `default`): its state, services (containers, IPs, published ports) and networks (engine.Status), as `dsp lab status --json`.
         */
        get: operations["getLabStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/instances": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * List a lab's instances
         * @description Every instance of the lab that is not stopped, with its state, sorted by name (the same list as the `instances` of the lab details and of its catalogue entry); empty when none runs.
         */
        get: operations["listLabInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/images": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * List the images a lab needs
         * @description One entry per image, with the services that use it, whether a build: section provides it and whether it is present on this machine.
         */
        get: operations["getLabImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/up": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a lab
         * @description Starts the instance `instance` (default `default`; another name starts another instance beside the running ones, with its own containers, networks and flag). Checks (trust, files, images, subnets), builds missing images of build: sections, creates the containers and networks, copies files and runs the wrapper actions; any failure removes what the start created. A lab that is already running stays as it is (the operation ends `done`). Starts the operation in the background and answers 202 at once with its id. Progress streams as `progress` events on /api/events, the start and the end as `operation` events, the lab's new state as `state` events; GET /api/operations/{id} gives the same afterwards. A failure of the operation itself (missing image, untrusted repository, failing action, …) is not an HTTP error: the operation ends with state `failed` and its `error`.
         */
        post: operations["startLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/down": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a lab
         * @description Stops the instance `instance` (default `default`; the other instances keep running): stops every container (1 s grace period by default) and removes the containers, networks and volumes the lab created. Allowed on invalid labs. Starts the operation in the background and answers 202 at once with its id. Progress streams as `progress` events on /api/events, the start and the end as `operation` events, the lab's new state as `state` events; GET /api/operations/{id} gives the same afterwards. A failure of the operation itself (missing image, untrusted repository, failing action, …) is not an HTTP error: the operation ends with state `failed` and its `error`.
         */
        post: operations["stopLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/build": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Build a lab's images
         * @description Builds (again) every image of the lab's build: sections, streaming the build log. Starts the operation in the background and answers 202 at once with its id. Progress streams as `progress` events on /api/events, the start and the end as `operation` events, the lab's new state as `state` events; GET /api/operations/{id} gives the same afterwards. A failure of the operation itself (missing image, untrusted repository, failing action, …) is not an HTTP error: the operation ends with state `failed` and its `error`.
         */
        post: operations["buildLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a lab
         * @description Runs the lab's whole test cycle on a fresh, separate instance named `test` (it takes no `instance` parameter) (the lab's own running instance is left alone): validate, start, wait until healthy, the checks, the solution script, the flag, and always stop; like `dsp test`. Starts the operation in the background and answers 202 at once with its id. Progress streams as `progress` events on /api/events, the start and the end as `operation` events; GET /api/operations/{id} gives the same afterwards. The report is saved as the lab's `lastTest` (GET /api/labs/{repo}/{lab}). A failing test is not an HTTP error: the operation ends with state `failed` and its `error` names the first failed step and why. An invalid lab is tested too: its report's validate step fails with the problems.
         */
        post: operations["testLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/checks": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a lab's checks
         * @description Runs the lab's checks (only) against its running instance `instance` (default `default`). Starts the operation in the background and answers 202 at once with its id. Progress streams as `progress` events on /api/events, the start and the end as `operation` events; GET /api/operations/{id} gives the same afterwards. The report is saved as the lab's `lastTest` (GET /api/labs/{repo}/{lab}). A failing test is not an HTTP error: the operation ends with state `failed` and its `error` names the first failed step and why.
         */
        post: operations["checkLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/flag": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit a flag
         * @description Checks a flag against the flags of the running instance `instance` (default `default`; each instance has its own): its per-instance flag (`x-dsp.flag`, fresh at each start) and the flags its ctf actions plant. Only hashes of the flags are kept. Submissions are rate-limited per session and lab: 10 a minute, then 429 with `Retry-After`.
         */
        post: operations["submitFlag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/services/{service}/terminal": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        /**
         * Open a terminal in a service's container (WebSocket)
         * @description A WebSocket (`Upgrade: websocket`; the handshake needs the session cookie and an `Origin` naming this server) to a new Docker exec with a TTY in the service's running container, in the instance `instance` (default `default`): the image's `/bin/bash` when it has one, else `/bin/sh`, or the argv given in `cmd`. Every WebSocket is its own exec: any number of terminals, into the same container or others, from one tab or several, never share anything.
         *
         *     **Frames.** Client to server: binary frames are input bytes, passed unchanged (keys, Ctrl-C, pastes); text frames are JSON control messages, `{"type":"resize","cols":120,"rows":40}` (others are ignored). Server to client: binary frames are the terminal's output bytes, unchanged (colours, full-screen programs); when the process ends, the text frame `{"type":"exit","code":N}` then a normal close (1000). On failure, `{"type":"error","message":"…"}` then a close (1001 when the container stopped, e.g. the lab was stopped; 1011 when the exec could not start). A connection that drops just closes: open a new WebSocket (a new shell) to reconnect.
         *
         *     **Cleanup.** Closing the WebSocket (or the tab) ends the exec's process and everything it started: its input is closed, then dsp sends SIGHUP, then SIGKILL after a short grace, from the host (Docker has no API to kill an exec; this needs the engine on the same host as dsp). Stopping the lab ends its terminals. The server pings every 30 s and ends terminals whose peer vanished.
         *
         *     Errors before the upgrade are JSON errors.
         */
        get: operations["openTerminal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/services/{service}/files": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        /**
         * Download a file or a folder from a service's container
         * @description Reads `path` in the service's container of the instance `instance` (default `default`) with the Docker Engine's archive API. A file arrives as itself (`application/octet-stream`, `Content-Disposition: attachment; filename="NAME"`, with `Content-Length`); a folder as a tar archive of the folder (`application/x-tar`, `filename="NAME.tar"`, entries named `NAME/…`). A symbolic link is followed. Other kinds (devices, sockets): 400. A lab that forbids the shell for the service forbids file transfer too (403).
         */
        get: operations["downloadFile"];
        put?: never;
        /**
         * Upload files or a folder into a service's container
         * @description `multipart/form-data` whose parts are all named `file`, each with its path relative to the folder `path` as its filename: a plain file upload sends the file's name, a folder upload its `webkitRelativePath` (`site/css/a.css`). Every relative path is checked before anything is written (not absolute, no `..`, `.` or empty elements, no backslash or control characters, no name used as both a file and a folder): one bad name refuses the whole upload (400, field `file`) and nothing is written. The files are packed into one tar archive (spooled on disk, not held in memory; at most 1 GiB per request, else 413) and extracted into `path` of the service's container of the instance `instance` (default `default`) by the Docker Engine: missing folders on the way are created, existing files are replaced. Files are written with mode 0644 (folders 0755), owned by root. `path` must exist and be a folder (404 / 400). A lab that forbids the shell for the service forbids file transfer too (403).
         */
        post: operations["uploadFiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Operation id, as returned with 202 (op-N).
                 * @example op-1
                 */
                id: components["parameters"]["operationId"];
            };
            cookie?: never;
        };
        /**
         * Follow an operation
         * @description The operation's state, error and every progress event so far (operations are kept in memory).
         */
        get: operations["getOperation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List local images
         * @description Every local image with the labs whose containers use it (`usedBy`) and the labs that need it (`neededBy`), newest first.
         */
        get: operations["listImages"];
        put?: never;
        post?: never;
        /**
         * Remove a local image
         * @description Removes an image by name or id (untags it when it has other tags). Refused with 409 while a lab's containers use it; the error names the lab.
         */
        delete: operations["removeImage"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/images/pull": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pull an image from its registry
         * @description Starts a pull in the background (202) and streams per-layer progress as `progress` events. A registry that cannot be reached ends the operation with state `failed` and the engine's error. One pull per image at a time (409).
         */
        post: operations["pullImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe this dsp
         * @description The main directory, the repositories (personal, trusted) and the Docker Engine's version.
         */
        get: operations["getSettings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream live events (server-sent events)
         * @description A `text/event-stream` that stays open (a `: keep-alive` comment every 15 s; `retry: 1000`). It starts with `retry: 1000` and the comment `: connected`. Each event is `event: NAME` and one `data:` line of JSON. The five events:
         *
         *     - `state` — a lab instance changed state, whoever changed it: an operation of this server, the CLI, or `docker stop/kill` (dsp watches Docker's events). Data: StateEvent `{lab, instance, state, status}`.
         *     - `progress` — one line of an operation's progress. Data: ProgressEvent `{operation, kind, lab, instance, image, repo, event}`.
         *     - `operation` — an operation started (`state: running`) or ended (`done` or `failed`, with `error`). Data: OperationEvent `{operation, kind, lab, instance, image, repo, state, error}`.
         *     - `repos` — a repository was added, updated, published or removed, or a lab of it created, imported, saved, renamed or deleted. Data: RepoEvent `{repo}`.
         *     - `capture` — a packet capture started or ended. Data: Capture.
         *
         *     A client that does not keep up loses events rather than slowing the others: after a reconnect, re-read what you show.
         */
        get: operations["events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description The OpenAPI description of the API, embedded in the binary.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The web UI
         * @description Public: the built UI. Any path outside `/api/` (and other than `/login?token=`) serves a file of the UI, or index.html when no such file exists (the UI routes in the browser). index.html is `Cache-Control: no-store`; files under `/assets/` are cached for a year (immutable). Methods other than GET and HEAD: 405.
         */
        get: operations["ui"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/exposure": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Expose a lab's ports to the network, or keep them on this machine
         * @description From the lab's next start on, its published ports bind where its compose file says (exposed) or 127.0.0.1 (the default). A lab whose repository is exposed (dsp repo expose) stays exposed.
         */
        put: operations["setLabExposure"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the lab repositories
         * @description Every repository of the main directory, the personal one first, with its git checkout (remote, branch, commit, ahead/behind, local changes), trust and labels.
         */
        get: operations["listRepos"];
        put?: never;
        /**
         * Add a lab repository (git clone)
         * @description Clones `url` into the main directory in the background (202); progress streams as `progress` events naming the `repo`. A new repository is not trusted. An SSH URL whose host key dsp does not know yet is answered 409 with `hostKey` (`changed: false`): ask the user, then send the request again with `acceptHostKey`. A host key that differs from the known one is refused (403, `hostKey.changed: true`).
         */
        post: operations["addRepo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/suggestions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lab repositories one may add
         * @description The main directory's `.dsp.d/suggestions.json` when present, else dsp's own list; `added` says which are in the main directory already.
         */
        get: operations["repoSuggestions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/{repo}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a lab repository
         * @description Deletes the repository's folder and what dsp keeps about it (credentials, trust). Refused while one of its labs runs (409) and for the personal repository (403).
         */
        delete: operations["removeRepo"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/{repo}/update": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Update a lab repository (git pull)
         * @description Fetches and fast-forwards the checkout in the background (202). Local edits that conflict with the update refuse it (409, the error lists the files) unless `keepLocal`: then the local copies are kept beside the new files. An update that makes a lab ask for more drops the repository's trust (`trustDropped`).
         */
        post: operations["updateRepo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/{repo}/trust": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Trust a repository, or stop trusting it
         * @description A trusted repository's labs may ask for powers beyond a plain container (privileged mode, capabilities, host namespaces…). Answers the repository as it is now.
         */
        put: operations["setRepoTrust"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/{repo}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Keep credentials for a repository's remote
         * @description Replaces the token (and user name) dsp uses for the repository's HTTPS remote. Kept outside the repository, never in its URL, never answered back.
         */
        put: operations["setRepoCredentials"];
        post?: never;
        /** Forget a repository's credentials */
        delete: operations["forgetRepoCredentials"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/repos/{repo}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish the personal repository (commit and push)
         * @description Commits every change of the personal repository and pushes it, in the background (202). `remote` links it to a remote first; `username` and `token` are kept as with PUT …/credentials.
         */
        post: operations["publishRepo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/source": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * Open a lab in the editor
         * @description The compose text, its model (null when it does not parse), the story, the saved layout, the loader's problems and the editor's own.
         */
        get: operations["getLabSource"];
        /**
         * Save the editor's work
         * @description Writes the compose text (with the story, for a native lab; information.json for an upstream one) and the layout, each file replaced whole. A lab that does not validate is saved as a draft: `valid: false` with its problems; it cannot start until they are fixed.
         */
        put: operations["saveLabSource"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/source/parse": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text to graph
         * @description The model of the compose text given and the problems `dsp lab validate` would report for the lab with it (nothing is saved).
         */
        post: operations["parseLabSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/source/render": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Graph to text
         * @description The model applied onto the compose text: only what changed is rewritten; comments, keys the model does not know and key order survive (nothing is saved).
         */
        post: operations["renderLabSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/source/free-address": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A free address on a network of the model */
        post: operations["freeAddress"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/plan": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * What Apply would change
         * @description Compares the running instance's containers with the lab as saved (Compose's configuration hash): the services that would be recreated, created, removed, and those left as they are. 409 when the instance is not running.
         */
        get: operations["planApply"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/apply": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply the saved lab to a running instance
         * @description Starts an `apply` operation: only the services whose definition changed are recreated (their files copied and actions run again), new ones created, removed ones removed; the instance keeps its flag. 202 with the operation.
         */
        post: operations["applyLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a lab into the personal repository
         * @description `multipart/form-data` with the part `file` and, optionally, the field `name`. The file is a compose file (`.yml`/`.yaml`: it becomes the lab's compose file — under its own name when it is `compose.yaml`, `compose.yml`, `docker-compose.yml` or `docker-compose.yaml`, else as `compose.yaml` — beside a `.dsp` marker), or a `.zip`, `.tar.gz`/`.tgz` or `.tar` archive of a lab folder, upstream or native, holding the folder itself or its contents at the top. The part's filename says which (a file without a known extension is recognised by its first bytes). The name defaults to the archive's folder, else the filename without its extension (a compose file named like every compose file needs `name`). Archives are checked entry by entry before anything is kept: absolute names, `..`, symbolic links that are absolute or lead out of the lab folder, hard links to anything but a file earlier in the archive, devices and FIFOs are refused; at most 256 MiB unpacked and 10000 entries. The archive is unpacked in the main directory's temporary folder; the lab must load without errors, else it is refused with the loader's problems (paths relative to the lab) and nothing is left. The request is at most 257 MiB (413), and at most 4 uploads run at once (429).
         */
        post: operations["importLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/export": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * Download a lab folder as a .tar.gz
         * @description The lab's folder as a gzip-compressed tar archive whose entries are in the folder's name (`NAME/`, `NAME/compose.yaml`, …): files with their permission bits and times, no owners, and the symbolic links that stay inside the lab (links that lead out, devices and FIFOs are left out). POST /api/labs/import (and `dsp lab import`) reads it back into the same files. Any lab may be exported.
         */
        get: operations["exportLab"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/copy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Copy a lab into the personal repository
         * @description Copies the lab (of any repository, upstream or native) into the personal repository as `name`: its whole folder, confined — symbolic links that lead out of the lab folder are neither followed nor copied; the repository's own files (upstream `.data/`) stay where they are. The same as POST /api/labs with `from`. The `repos` event names the personal repository.
         */
        post: operations["copyLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/rename": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rename a lab of the personal repository
         * @description Renames the lab's folder to `name` (another case of its own name is fine); its exposure follows it. Refused for labs of other repositories (403) and while an instance of the lab exists or an operation works on it (409). Answers the renamed lab's details. The `repos` event names the personal repository.
         */
        post: operations["renameLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/toolboxes": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * List a lab's toolboxes
         * @description The toolboxes attached to the instance (also in its status, `toolboxes`).
         */
        get: operations["listToolboxes"];
        put?: never;
        /**
         * Attach a toolbox
         * @description Starts a toolbox container on networks of the running instance: the addresses given or the highest free ones, its name as a DNS alias on those networks, and its default route through `gateway` when given. Its terminal and files are those of a service of that name. Stopping the lab removes it.
         */
        post: operations["attachToolbox"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/toolboxes/{name}": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                name: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Detach a toolbox
         * @description Removes the toolbox's container.
         */
        delete: operations["detachToolbox"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/toolbox-images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Images to attach as toolboxes
         * @description dsp's toolbox (present or not) and every image labelled `io.dsp.toolbox=true`.
         */
        get: operations["listToolboxImages"];
        /**
         * Register a toolbox image
         * @description Offers a local image as a toolbox (registered: true), or stops offering it. Answers the list as it is now.
         */
        put: operations["registerToolboxImage"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The catalogue of one-shot tools
         * @description dsp's tools merged with the main directory's `.dsp.d/tools.json` (which adds tools and overrides them by name).
         */
        get: operations["listTools"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/tools": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a one-shot tool
         * @description Runs a tool of the catalogue in a container on a network of the running instance, as an operation: 202 at once; each line of its output is a `progress` event of step `tool`; it ends `done` (exit code 0) or `failed` (the exit code in `error`). POST /api/operations/{id}/cancel stops and removes it. Tools run beside each other and beside a start or stop.
         */
        post: operations["runTool"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operations/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Operation id, as returned with 202 (op-N).
                 * @example op-1
                 */
                id: components["parameters"]["operationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an operation
         * @description Cancels a cancellable operation (`cancellable`: a tool run); one that ended is left as it ended.
         */
        post: operations["cancelOperation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/links": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * List a lab's links
         * @description Every lab interface of the instance's running containers, with its impairment.
         */
        get: operations["listLinks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/links/{service}": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /** @description A service (or toolbox) of the running instance. */
                service: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Impair a service's links
         * @description Sets rate, delay, jitter and loss on the service's interface on `network` (all its lab networks when absent), from the host: a token bucket (tbf) for a rate alone, the network emulator (netem) for delay, jitter and loss. A body with no value clears the impairment.
         */
        put: operations["setLink"];
        post?: never;
        /**
         * Clear a service's links
         * @description Removes the impairment from the service's interface on `network` (query; all its lab networks when absent).
         */
        delete: operations["clearLink"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/captures": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /**
         * List a lab's captures
         * @description The instance's captures, running and ended, newest first. Ended ones stay (their files downloadable) until deleted.
         */
        get: operations["listLabCaptures"];
        put?: never;
        /**
         * Start a capture
         * @description Starts capturing a lab network (its bridge, from the host) or a service's lab interfaces (in its network namespace) into a pcapng file kept in the main directory. Several may run at once (at most 8). It ends when stopped, at its count or duration, or when the lab stops. A `capture` event on /api/events says when it starts and ends.
         */
        post: operations["startCapture"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/captures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List every capture
         * @description Every capture kept in the main directory, newest first.
         */
        get: operations["listCaptures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/captures/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        /**
         * A capture
         * @description The capture, with its counters so far.
         */
        get: operations["getCapture"];
        put?: never;
        post?: never;
        /**
         * Delete a capture
         * @description Removes an ended capture and its file.
         */
        delete: operations["deleteCapture"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/captures/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a capture
         * @description Stops a running capture and answers once its file is complete; an ended one is answered as it is.
         */
        post: operations["stopCapture"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/captures/{id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Download a capture
         * @description The pcapng file as it is now: a running capture's up to its last whole block. Wireshark and tshark open it. Ranges are served.
         */
        get: operations["downloadCapture"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/captures/{id}/live": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        /**
         * Watch a capture live (server-sent events)
         * @description A `text/event-stream` of a running capture: `stats` at once and every second (CaptureStats), `packets` every 200 ms while packets come (an array of CapturePacket, at most 200), and `end` (Capture) when it ends, after which the stream closes. A viewer that falls behind misses packets (counted in `missed`); the file has them all.
         */
        get: operations["watchCapture"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/toolbox-images/build": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Build dsp's toolbox image
         * @description Builds dsp/toolbox:latest from the build context inside dsp (FROM dsp/debian:bookworm, which `make images` makes with debootstrap), as an operation on the image: 202 at once, `progress` events of step `build`.
         */
        post: operations["buildToolboxImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labs/{repo}/{lab}/services/{service}/screen": {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        /**
         * A VM's screen (WebSocket, VNC)
         * @description Upgrades to a WebSocket (subprotocol `binary`) that carries the RFB (VNC) protocol of a VM service whose console is `vnc`, as noVNC speaks it: the browser's graphical console (Windows images). Closing the socket closes the connection to the VM's screen; the VM keeps running.
         */
        get: operations["vmScreen"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The body of every error answer (Go type apiError). */
        Error: {
            /** @description What went wrong, for people. */
            error: string;
            /** @description The request field, path value, query parameter or header at fault (`password`, `repo`, `lab`, `instance`, `image`, `name`, `from`, `file`, `ref`, `id`, `Content-Type`, `X-DSP-Request`, `Origin`, `Host`); absent when no single field is at fault. */
            field?: string;
            /** @description For POST /api/repos with an SSH URL: the server's host key, not known yet (409, `changed: false`: accept it with `acceptHostKey`) or different from the known one (403, `changed: true`: refused). */
            hostKey?: components["schemas"]["HostKey"];
        };
        /** @description Unknown fields are refused (400). */
        LoginRequest: {
            /** @description The admin password, from `<home>/.dsp.d/admin-password`. */
            password: string;
        };
        Session: {
            /** @constant */
            authenticated: true;
        };
        /**
         * @description State of a lab instance, read from Docker. `unknown` appears in the catalogue and in lab details when the Docker Engine cannot be reached.
         * @enum {string}
         */
        LabState: "stopped" | "starting" | "stopping" | "running" | "degraded" | "incomplete" | "unknown";
        /**
         * @description State of a lab instance as the engine reports it (engine.State).
         * @enum {string}
         */
        EngineState: "stopped" | "starting" | "stopping" | "running" | "degraded" | "incomplete";
        /**
         * @description The on-disk format the lab was loaded from; empty when the lab could not be loaded at all.
         * @enum {string}
         */
        Format: "upstream" | "native" | "";
        /** @description A coloured tag (lab.Label). */
        Label: {
            name: string;
            description?: string;
            /** @description CSS colour, e.g. #9f058e. */
            color?: string;
        };
        /** @description Every lab of every repository with its state (report.Catalogue); the same document as `dsp lab list --json`. */
        Catalogue: {
            /** @description The main directory (absolute). */
            home: string;
            repositories: components["schemas"]["CatalogueRepo"][];
        };
        /** @description A repository in the catalogue (report.Repo). */
        CatalogueRepo: {
            name: string;
            dir: string;
            personal: boolean;
            /** @description The user trusts this repository's labs to ask for privileges. */
            trusted: boolean;
            labels: components["schemas"]["Label"][];
            labs: components["schemas"]["CatalogueLab"][];
        };
        /** @description A lab in the catalogue (report.Lab). */
        CatalogueLab: {
            /** @description The lab's folder name: its identity within the repository. */
            name: string;
            title: string;
            description: string;
            format: components["schemas"]["Format"];
            labels: components["schemas"]["Label"][];
            /** @description The default instance's state. */
            state: components["schemas"]["LabState"];
            valid: boolean;
            errors: string[];
            /** @description The gist of the lab's last test or checks report (POST /test, /checks or `dsp test`); null when it was never tested. GET /api/labs/{repo}/{lab} has the whole report. */
            lastTest: components["schemas"]["TestSummary"] | null;
            /** @description Every instance of this lab that is not stopped, sorted by name (the default one included when it runs); empty when none runs or Docker cannot be reached. */
            instances: components["schemas"]["LabInstance"][];
        };
        ServiceNetwork: {
            name: string;
            /** @description Static address; absent when dynamic. */
            ip?: string;
        };
        /** @description A published port as the lab defines it (lab.Port). */
        Port: {
            container: number;
            /** @description Host port as written (may be a range or empty for an ephemeral port). */
            host?: string;
            hostIP?: string;
            protocol: string;
        };
        /** @description A compose service (lab.Service). */
        Service: {
            name: string;
            image: string;
            /** @description Build context (absolute), when the image is built locally. */
            build?: string;
            networks: components["schemas"]["ServiceNetwork"][];
            ports: components["schemas"]["Port"][];
            capAdd?: string[];
            privileged?: boolean;
            /** @description A terminal may be opened into this service. */
            shell: boolean;
            /** @description Grace period before SIGKILL, in nanoseconds. */
            stopTimeout?: number;
            vm?: components["schemas"]["VM"];
        };
        /** @description A lab network (lab.Network). */
        Network: {
            name: string;
            /** @description Normalised CIDR. */
            subnet?: string;
            /** @description The subnet as the file wrote it, when it was normalised. */
            written?: string;
            color?: string;
            external?: boolean;
        };
        Rule: {
            /** @description Regular expression. */
            pattern?: string;
            /** @description A named rule: ip, subnet or alphanumeric. */
            name?: string;
        };
        ActionArg: {
            name: string;
            value: string;
            /** @enum {string} */
            type?: "text" | "boolean";
            rule?: components["schemas"]["Rule"];
        };
        /** @description A wrapper action run after up (lab.Action). */
        Action: {
            service: string;
            priority: number;
            name: string;
            /** @description Executable in the image; empty: the image's actions.<name>.command label or a built-in. */
            command: string;
            description?: string;
            background?: boolean;
            args?: components["schemas"]["ActionArg"][];
        };
        /** @description A file copied into a container at start (lab.File). */
        File: {
            service: string;
            /** @description Absolute path on the host, confined to the repository. */
            source: string;
            /** @description Path in the container. */
            target: string;
            afterActions: boolean;
        };
        Problem: {
            /** @enum {string} */
            severity: "error" | "warning";
            file: string;
            line?: number;
            field?: string;
            message: string;
        };
        /** @description Something the lab asks for that needs the repository to be trusted (lab.Risk). */
        Risk: {
            /** @description The service that asks for it; absent for a top-level network, volume, config or secret. */
            service?: string;
            what: string;
            /** @description Where the lab asks for it, as a dotted path in the compose project (services.web.privileged). */
            field: string;
        };
        /** @description Everything about one lab (report.Details): the lab model (lab.Lab) plus what it needs, what it asks for and its state; the same document as `dsp lab show --json`. `status` is absent when Docker cannot be reached. An invalid lab is answered with `valid: false` and its `errors`. */
        Details: {
            repo: string;
            name: string;
            dir: string;
            format: components["schemas"]["Format"];
            title: string;
            description: string;
            goal: string;
            solution: string;
            readme?: string;
            /**
             * @description How goal, solution and description are written.
             * @enum {string}
             */
            textFormat: "html" | "markdown" | "";
            author?: string;
            labels: components["schemas"]["Label"][];
            composeFile: string;
            services: components["schemas"]["Service"][];
            networks: components["schemas"]["Network"][];
            actions: components["schemas"]["Action"][];
            files: components["schemas"]["File"][];
            /** @description Grace period before SIGKILL, in nanoseconds; absent: dsp's default (1 s). */
            stopTimeout?: number;
            problems?: components["schemas"]["Problem"][];
            /** @description REPO/LAB */
            id: string;
            images: string[];
            risks: components["schemas"]["Risk"][];
            trusted: boolean;
            /** @description The instance's state (`unknown` when Docker cannot be reached). */
            state: components["schemas"]["LabState"];
            /** @description What Docker says about the instance; absent when Docker cannot be reached. */
            status?: components["schemas"]["Status"];
            valid: boolean;
            errors: string[];
            /** @description Id of the latest operation on this instance in this server (running or finished), for GET /api/operations/{id}; absent when there is none. */
            operation?: string;
            /** @description The lab's checks (`x-dsp.checks`); empty when it has none. */
            checks?: components["schemas"]["Check"][];
            /** @description The solution script; absent when the lab has none. */
            solve?: components["schemas"]["Solve"] | null;
            /** @description Present when each instance gets its own random flag. */
            flag?: components["schemas"]["FlagSpec"] | null;
            /** @description The lab's last test or checks report (POST /test, /checks or `dsp test`); null when it was never tested. */
            lastTest?: components["schemas"]["Report"] | null;
            /** @description The instance these details are about (the `instance` query parameter, default `default`): `state`, `status` and `operation` are its own. */
            instance: components["schemas"]["InstanceName"];
            /** @description Every instance of this lab that is not stopped, sorted by name (the default one included when it runs); empty when none runs or Docker cannot be reached. */
            instances: components["schemas"]["LabInstance"][];
            /** @description The lab's published ports are offered to the network (PUT …/exposure); otherwise they bind 127.0.0.1. */
            exposed: boolean;
            /** @description What bounds each container of the lab that sets no limit of its own: the lab's x-dsp.limits within the user's (dsp limits); a process limit always applies. */
            appliedLimits: components["schemas"]["Limits"];
            /** @description The lab's own x-dsp.limits, when it has some. */
            limits?: components["schemas"]["Limits"];
            /** @description The lab is exposed because its whole repository is (dsp repo expose): un-exposing the lab alone does not change that. */
            repoExposed: boolean;
            /** @description The lab is in the personal repository: it may be edited, renamed and deleted. */
            editable: boolean;
        };
        NetworkAddr: {
            name: string;
            ip: string;
        };
        PublishedPort: {
            container: number;
            host: number;
            hostIP?: string;
            protocol: string;
        };
        /** @description One service's container (engine.ServiceStatus). */
        ServiceStatus: {
            name: string;
            container?: string;
            containerId?: string;
            image?: string;
            /** @description Docker's container state (running, exited, created, …), or `missing` when the lab defines the service but no container exists. */
            state: string;
            /** @description Docker's human status, e.g. "Up 3 minutes". */
            status?: string;
            health?: string;
            networks: components["schemas"]["NetworkAddr"][];
            ports: components["schemas"]["PublishedPort"][];
            /** @description How the service runs where that differs from what its lab asked (privileged mode emulated on an engine that cannot run privileged containers). */
            notes?: string[];
        };
        NetworkStatus: {
            name: string;
            dockerName: string;
            id: string;
            subnet?: string;
        };
        /** @description What Docker says about a lab instance (engine.Status); the same document as `dsp lab status --json`. */
        Status: {
            repo: string;
            lab: string;
            instance: string;
            /** @description The compose project name. */
            project: string;
            state: components["schemas"]["EngineState"];
            /** @description The operation in progress, if any (as written in the lab's lock). */
            operation?: string;
            services: components["schemas"]["ServiceStatus"][];
            networks: components["schemas"]["NetworkStatus"][];
            toolboxes: components["schemas"]["Toolbox"][];
        };
        /** @description An image a lab needs (labImage). */
        LabImage: {
            name: string;
            services: string[];
            /** @description A build: section provides the image. */
            build: boolean;
            present: boolean;
            /** @description Bytes; 0 when absent. */
            size: number;
        };
        LabImages: {
            images: components["schemas"]["LabImage"][];
        };
        /** @enum {string} */
        OperationKind: "up" | "down" | "build" | "pull" | "test" | "checks" | "clone" | "update" | "publish" | "apply" | "tool";
        /** @description The answer to a request that starts a background operation (an image pull: POST /api/images/pull; lab operations answer LabOperationAccepted). Follow it with GET /api/operations/{id} or the `operation` and `progress` events. */
        OperationAccepted: {
            /** @description Operation id (op-N). */
            operation: string;
            kind: components["schemas"]["OperationKind"];
            /** @description REPO/LAB, for lab operations. */
            lab?: string;
            /** @description The image, for pulls. */
            image?: string;
            /** @description The lab instance, for lab operations. */
            instance?: string;
            /** @description The repository, for repository operations (clone, update, publish); absent (or empty) otherwise. */
            repo?: string;
        };
        /** @description One line of progress (engine.Event). */
        Event: {
            /** Format: date-time */
            time: string;
            /**
             * @description The phase: `check` (preflight), `build`, `network`, `container`, `files`, `action`, `rollback`, `pull`, `git` (cloning, fetching or pushing a lab repository; target: the repository), `done`, or `test` for the steps of a test or checks run (target: `validate`, `up`, `healthy`, `check: NAME`, `solve`, `flag`, `down`). `tool`: a line of a one-shot tool's output (target: the tool). `capture`: a packet capture started, stopped or failed.
             * @enum {string}
             */
            step: "check" | "build" | "network" | "container" | "files" | "action" | "rollback" | "pull" | "git" | "done" | "test" | "tool" | "capture";
            /** @description A service, network, image, layer or service/action. */
            target?: string;
            /** @enum {string} */
            status: "working" | "done" | "warning" | "error" | "info";
            message?: string;
            percent?: number;
        };
        /** @description An operation and its progress so far (operationView); at most 2000 events are kept. */
        Operation: {
            id: string;
            kind: components["schemas"]["OperationKind"];
            /** @description REPO/LAB; empty for pulls and repository operations. */
            lab: string;
            /** @description The lab instance (`default`, `test` for a test run, …); absent (or empty) for pulls. */
            instance?: string;
            image?: string;
            /** @enum {string} */
            state: "running" | "done" | "failed";
            /** @description Why it failed. */
            error?: string;
            events: components["schemas"]["Event"][];
            /** @description The repository, for repository operations (clone, update, publish); absent (or empty) otherwise. */
            repo?: string;
            /** @description For a failed update: the files edited in the checkout that the update would change (nothing was changed; retry with keepLocal to keep each beside its new version as FILE.local). */
            localChanges?: string[];
            /** @description POST /api/operations/{id}/cancel may stop it (a tool run). */
            cancellable?: boolean;
        };
        /** @description A local image with the labs whose containers use it and the labs that need it (imageView). */
        Image: {
            id: string;
            tags: string[];
            size: number;
            /** @description Unix seconds. */
            created: number;
            usedBy: string[];
            neededBy: string[];
            /** @description The image's labels: a wrapped image's actions, ports and type (Docker Image Wrapper). */
            labels: {
                [key: string]: string;
            };
            /** @description The image's wrapper labels, read (null when it has none). */
            wrapper: components["schemas"]["WrapperInfo"] | null;
        };
        Images: {
            images: components["schemas"]["Image"][];
        };
        /** @description Unknown fields are refused (400). */
        PullRequest: {
            /** @description An image reference such as alpine:3.20. */
            image: string;
        };
        Repository: {
            name: string;
            dir: string;
            personal: boolean;
            trusted: boolean;
        };
        Settings: {
            /** @description The main directory. */
            home: string;
            /** @description Name of the personal repository; empty when there is none. */
            personalRepo: string;
            repositories: components["schemas"]["Repository"][];
            /** @description Empty when the Docker Engine cannot be reached. */
            docker: {
                version?: string;
                apiVersion?: string;
            };
        };
        /** @description Data of the `state` event: a lab instance changed (an operation here, or a change made outside dsp: the CLI, `docker kill`, …). */
        StateEvent: {
            /** @description REPO/LAB */
            lab: string;
            /** @description The instance whose state changed (`default`, `test` for a test run, or another). */
            instance: components["schemas"]["InstanceName"];
            state: components["schemas"]["EngineState"];
            /** @description What Docker says about the instance; absent when dsp announces a state it put the instance in itself (`starting`, `stopping`) before reading Docker again. */
            status?: components["schemas"]["Status"];
        };
        /** @description Data of the `progress` event: one line of an operation's progress. */
        ProgressEvent: {
            operation: string;
            kind: components["schemas"]["OperationKind"];
            /** @description REPO/LAB; absent (or empty) for pulls. */
            lab?: string;
            /** @description The lab instance (`default`, `test` for a test run, …); absent (or empty) for pulls. */
            instance?: string;
            /** @description The image, for pulls; absent (or empty) for lab operations. */
            image?: string;
            event: components["schemas"]["Event"];
            /** @description The repository, for repository operations (clone, update, publish); absent (or empty) otherwise. */
            repo?: string;
        };
        /** @description Data of the `operation` event: an operation started (state running) or ended (done or failed). */
        OperationEvent: {
            operation: string;
            kind: components["schemas"]["OperationKind"];
            /** @description REPO/LAB; absent (or empty) for pulls. */
            lab?: string;
            /** @description The lab instance (`default`, `test` for a test run, …); absent (or empty) for pulls. */
            instance?: string;
            /** @description The image, for pulls; absent (or empty) for lab operations. */
            image?: string;
            /** @enum {string} */
            state: "running" | "done" | "failed";
            /** @description Why it failed; absent (or empty) unless `state` is `failed`. */
            error?: string;
            /** @description The repository, for repository operations (clone, update, publish); absent (or empty) otherwise. */
            repo?: string;
            /** @description For a failed update: the files edited in the checkout that were in its way (see Operation). */
            localChanges?: string[];
        };
        UploadResult: {
            /** @description How many files were written. */
            uploaded: number;
            /** @description The folder they were written into (cleaned). */
            path: string;
        };
        /** @description A text frame of the terminal WebSocket. Client to server: `{"type":"resize","cols":120,"rows":40}`. Server to client: `{"type":"exit","code":N}` when the process ended (then a normal close, 1000), or `{"type":"error","message":"…"}` (then a close: 1001 when the container stopped, 1011 when the exec could not start). */
        TerminalMessage: {
            /** @enum {unknown} */
            type: "resize" | "exit" | "error";
            cols?: number;
            rows?: number;
            code?: number;
            message?: string;
        };
        /** @description A check that proves one thing about a running lab (lab.Check, from `x-dsp.checks`). It passes as soon as one attempt passes within its timeout. */
        Check: {
            /** @description Unique within the lab. */
            name: string;
            /** @description The service the check runs in (or connects from). */
            service: string;
            /** @enum {string} */
            kind: "command" | "tcp" | "http" | "healthy";
            /** @description command: the argv run in the service (a command written as one string runs with sh -c). */
            command?: string[];
            /** @description tcp: HOST:PORT; http: the URL. */
            target?: string;
            /** @description command: the exit code expected. */
            exitCode: number;
            /** @description http: the status expected. */
            status?: number;
            /** @description A regular expression the command's output (or the HTTP body) must match. */
            match?: string;
            /** @description tcp and http: the check passes when the service cannot connect (a firewall, a missing route, a closed port). */
            unreachable?: boolean;
            /** @description How long the check may retry, in nanoseconds. */
            timeout: number;
        };
        /** @description The lab's solution script (lab.Solve, from `x-dsp.solve`): its success proves the lab can be solved; when the lab has a flag, it must print it. */
        Solve: {
            service: string;
            /** @description The script's path on the host (inside the lab folder), copied into the service and run. */
            script?: string;
            /** @description The argv run when there is no script. */
            command?: string[];
            /** @description Nanoseconds. */
            timeout: number;
        };
        /** @description Each instance of the lab gets its own random flag (lab.FlagSpec, from `x-dsp.flag`). */
        FlagSpec: {
            /** @description Flags look like PREFIX{32 hex digits}. */
            prefix: string;
        };
        /** @enum {string} */
        TestStatus: "passed" | "failed" | "skipped";
        /** @description One step of a test and what came of it (labtest.Step). */
        Step: {
            /** @enum {string} */
            kind: "validate" | "up" | "healthy" | "check" | "solve" | "flag" | "down";
            /** @description The check's name for checks, else the kind. */
            name: string;
            status: components["schemas"]["TestStatus"];
            durationMs: number;
            /** @description What passed, or why it failed. */
            message?: string;
            /** @description The tail of the output (or HTTP body) of a failed check or solution. */
            output?: string;
        };
        /** @description The result of testing a lab, or of running its checks (labtest.Report), as `dsp test --json` writes it. */
        Report: {
            repo: string;
            lab: string;
            /**
             * @description `test`: the whole cycle on a fresh instance; `checks`: the checks only, on a running instance.
             * @enum {string}
             */
            mode: "test" | "checks";
            instance: string;
            status: components["schemas"]["TestStatus"];
            /** Format: date-time */
            started: string;
            durationMs: number;
            steps: components["schemas"]["Step"][];
        };
        /** @description A lab's last test or checks report summed up for the catalogue (report.TestSummary). */
        TestSummary: {
            /**
             * @description `test`: the whole cycle on a fresh instance; `checks`: the checks only, on a running instance.
             * @enum {string}
             */
            mode: "test" | "checks";
            /** @description `passed` or `failed`. */
            status: components["schemas"]["TestStatus"];
            /** Format: date-time */
            started: string;
            /** @description How many steps failed. */
            failed: number;
        };
        /** @description Unknown fields are refused (400). */
        FlagRequest: {
            /** @description The flag found (surrounding white space is ignored). */
            flag: string;
        };
        /** @description Whether a submitted flag is one of the running lab's flags. */
        FlagResult: {
            correct: boolean;
            /** @description `Correct: …` or `Wrong flag: …`, to show as it is. */
            message: string;
        };
        /**
         * @description The name of a lab instance: 1–32 lower-case letters, digits and `-`, starting with a letter or digit. `default` is the instance of a user who never names one; `test` is the one POST /test and `dsp lab test` use.
         * @example default
         * @example team-2
         */
        InstanceName: string;
        /** @description An instance of a lab that is not stopped, and its state (read from Docker). */
        LabInstance: {
            instance: components["schemas"]["InstanceName"];
            /** @description Never `stopped`: stopped instances are not listed. */
            state: components["schemas"]["EngineState"];
        };
        /** @description The instances of a lab (GET /api/labs/{repo}/{lab}/instances). */
        LabInstances: {
            /** @description Every instance of the lab that is not stopped, sorted by name; empty when none runs (or Docker cannot be reached). */
            instances: components["schemas"]["LabInstance"][];
        };
        /** @description The answer to a request that starts a background operation on a lab instance (up, down, build, test, checks). Follow it with GET /api/operations/{id} or the `operation` and `progress` events. */
        LabOperationAccepted: {
            /** @description Operation id (op-N). */
            operation: string;
            kind: components["schemas"]["OperationKind"];
            /** @description REPO/LAB */
            lab: string;
            /** @description The instance the operation works on (`test` for POST /test). */
            instance: components["schemas"]["InstanceName"];
        };
        /** @description What bounds one container; an absent or zero value is no limit. */
        Limits: {
            /** @description Bytes. */
            memory?: number;
            cpus?: number;
            /** @description Processes (and threads). */
            pids?: number;
        };
        /** @description An SSH server's host key that dsp does not know (or that changed). */
        HostKey: {
            /** @description The SSH host (and port when not 22), as known_hosts names it. */
            host: string;
            /** @description The key's SHA256 fingerprint, `SHA256:…` (as ssh-keygen -l prints it). */
            fingerprint: string;
            /** @description The host's key differs from the one dsp knows: possibly an attack; never accepted from the UI. */
            changed: boolean;
        };
        /** @description The git checkout of a repository. */
        GitInfo: {
            /** @description The remote's URL (origin), never with credentials. */
            url: string;
            /** @description The checked-out branch. */
            branch: string;
            /** @description Full hash of HEAD; empty when there is no commit yet. */
            commit: string;
            /** @description First line of HEAD's message. */
            commitMessage: string;
            commitAuthor: string;
            /** @description RFC 3339; empty when there is no commit. */
            commitDate: string;
            /** @description RFC 3339 time of dsp's last clone or update of it; empty when unknown. */
            updated: string;
            /** @description Local commits the remote branch does not have. */
            ahead: number;
            /** @description Remote commits (as last fetched) the local branch does not have. */
            behind: number;
            /** @description Paths with local changes, untracked files included; empty when clean. */
            dirty: string[];
        };
        /** @description A lab repository of the main directory. */
        RepoInfo: {
            name: string;
            dir: string;
            personal: boolean;
            trusted: boolean;
            /** @description Every lab of it offers its ports to the network (dsp repo expose). */
            exposed: boolean;
            /** @description The repository's labels.json. */
            labels: components["schemas"]["Label"][];
            /** @description How many labs it holds. */
            labs: number;
            /** @description What the last update changed that made dsp drop its trust (a lab that newly asks for a power, say); empty otherwise. */
            trustDropped: string[];
            /** @description dsp keeps credentials (a token) for its remote. */
            hasCredentials: boolean;
            /** @description null when it is not a git checkout. */
            git: components["schemas"]["GitInfo"] | null;
            /** @description The repository's version.json as it is; null when it has none. */
            version: {
                [key: string]: unknown;
            } | null;
            /** @description The repository's snippets.json as it is (any JSON); null when it has none. */
            snippets: unknown;
        };
        /** @description The personal repository first. */
        RepoList: components["schemas"]["RepoInfo"][];
        /** @description A lab repository one may add (the main directory's .dsp.d/suggestions.json when present, else dsp's own list). */
        Suggestion: {
            /** @description The name the repository would get. */
            name: string;
            url: string;
            description: string;
            /** @description A repository with this URL is already in the main directory. */
            added: boolean;
        };
        Suggestions: components["schemas"]["Suggestion"][];
        /** @description Unknown fields are refused (400). */
        AddRepoRequest: {
            /** @description A git URL: https://, ssh:// or user@host:path, or file://. */
            url: string;
            /** @description The repository's name (its folder); default: from the URL. */
            name?: string;
            /** @description The branch to check out; default: the remote's default branch. */
            branch?: string;
            /** @description For HTTPS: the user name that goes with the token. */
            username?: string;
            /** @description For HTTPS: a token (or password), kept by dsp outside the repository, never in its URL. */
            token?: string;
            /** @description For SSH: the path of a private key file on this machine. */
            sshKey?: string;
            /** @description For SSH: the `SHA256:…` fingerprint of the host key the user accepted (from a 409's `hostKey`). */
            acceptHostKey?: string;
        };
        /** @description `{}` for a plain update. Unknown fields are refused (400). */
        UpdateRepoRequest: {
            /** @description When local edits conflict with the update: keep the local copies beside the new files instead of refusing. */
            keepLocal?: boolean;
            /** @description The SHA256:… fingerprint of an SSH host key the user accepted (the hostKey of an earlier answer). */
            acceptHostKey?: string;
        };
        /** @description Unknown fields are refused (400). */
        TrustRequest: {
            trusted: boolean;
        };
        /** @description Unknown fields are refused (400). */
        CredentialsRequest: {
            username?: string;
            token: string;
        };
        /** @description `{}` to publish with what dsp knows. Unknown fields are refused (400). */
        PublishRequest: {
            /** @description The commit message; default: one dsp writes. */
            message?: string;
            /** @description Link the repository to this remote URL first (origin). */
            remote?: string;
            username?: string;
            /** @description Kept like a token given with POST /api/repos. */
            token?: string;
            /** @description The SHA256:… fingerprint of an SSH host key the user accepted (the hostKey of an earlier answer). */
            acceptHostKey?: string;
        };
        /** @description The answer to a request that starts a background operation on a repository (clone, update, publish). Follow it with GET /api/operations/{id} or the `operation` and `progress` events (which name the `repo`). */
        RepoOperationAccepted: {
            /** @description Operation id (op-N). */
            operation: string;
            /** @enum {string} */
            kind: "clone" | "update" | "publish";
            /** @description The repository it works on. */
            repo: string;
        };
        /** @description A repository (or one of its labs) changed: re-read GET /api/repos and the catalogue. */
        RepoEvent: {
            /** @description The repository that was added, updated, published or removed. */
            repo: string;
        };
        ModelNetwork: {
            /** @description Its key in the file as parsed; empty for a network the editor added. */
            id: string;
            /** @description Its key after the edit (a rename when it differs from id). */
            name: string;
            subnet: string;
            gateway: string;
            internal: boolean;
        };
        ModelAttachment: {
            network: string;
            /** @description A static address; empty for an automatic one. */
            ipv4: string;
        };
        ModelAction: {
            name: string;
            priority: number;
            args?: {
                [key: string]: unknown;
            } | null;
        };
        ModelFile: {
            source: string;
            target: string;
            afterActions: boolean;
        };
        ModelService: {
            id: string;
            name: string;
            image: string;
            command?: string[] | null;
            entrypoint?: string[] | null;
            ports?: string[] | null;
            environment?: {
                [key: string]: string;
            } | null;
            volumes?: string[] | null;
            capAdd?: string[] | null;
            privileged?: boolean;
            dependsOn?: string[] | null;
            networks?: components["schemas"]["ModelAttachment"][] | null;
            shell?: boolean | null;
            actions?: components["schemas"]["ModelAction"][] | null;
            files?: components["schemas"]["ModelFile"][] | null;
        };
        /** @description What the topology editor shows and edits of a compose file (internal/labedit). */
        LabModel: {
            networks: components["schemas"]["ModelNetwork"][] | null;
            services: components["schemas"]["ModelService"][] | null;
        };
        Story: {
            title: string;
            description: string;
            goal: string;
            solution: string;
            author: string;
            labels?: string[] | null;
        };
        /** @description Where the editor placed each node (`service:NAME`, `network:NAME`), kept in the lab folder's .dsp-layout.json. */
        Layout: {
            nodes?: {
                [key: string]: {
                    x: number;
                    y: number;
                };
            } | null;
        };
        EditorProblem: {
            field: string;
            message: string;
        };
        SyntaxProblem: {
            line: number;
            column: number;
            message: string;
        };
        LabSource: {
            file: string;
            compose: string;
            format: components["schemas"]["Format"];
            /** @description The lab is in the personal repository. */
            editable: boolean;
            model: components["schemas"]["LabModel"] | null;
            story: components["schemas"]["Story"];
            layout: components["schemas"]["Layout"];
            problems: components["schemas"]["Problem"][];
            modelProblems: components["schemas"]["EditorProblem"][];
            running: boolean;
        };
        ParsedSource: {
            compose: string;
            model: components["schemas"]["LabModel"] | null;
            problems: components["schemas"]["Problem"][];
            modelProblems: components["schemas"]["EditorProblem"][];
            syntax: components["schemas"]["SyntaxProblem"] | null;
        };
        SourceRequest: {
            compose?: string;
            model?: components["schemas"]["LabModel"];
            network?: string;
            story?: components["schemas"]["Story"];
            layout?: components["schemas"]["Layout"];
        };
        SaveResult: {
            valid: boolean;
            problems: components["schemas"]["Problem"][];
        };
        /** @description What applying the saved lab to a running instance changes, by service. */
        Plan: {
            recreate: string[];
            create: string[];
            remove: string[];
            unchanged: string[];
        };
        FreeAddress: {
            address: string;
        };
        /** @description A new lab of the personal repository: a minimal native lab, or a copy of `from`. */
        NewLabRequest: {
            /**
             * @description The lab's name, its folder in the personal repository: one folder name (no `/` or `\\`, no leading dot, so never `.` or `..`, no control characters, no leading or trailing space; spaces and dots are fine), not used by another entry of the repository, whatever its case.
             * @example My Lab
             */
            name: string;
            /**
             * @description A lab to copy, `REPO/LAB` of any repository (upstream or native format), never a path. Absent or empty: a new lab with a `.dsp` marker and a `compose.yaml` (x-dsp title = name, one service `box` on `dsp/busybox:latest` running `sleep infinity`).
             * @example examples/hello-flag
             */
            from?: string;
        };
        /** @description The name of the lab a copy or a rename makes. */
        LabNameRequest: {
            /**
             * @description The lab's name, its folder in the personal repository: one folder name (no `/` or `\\`, no leading dot, so never `.` or `..`, no control characters, no leading or trailing space; spaces and dots are fine), not used by another entry of the repository, whatever its case.
             * @example My Copy
             */
            name: string;
        };
        /** @description An argument of a wrapper action (internal/wrapper). */
        WrapperArg: {
            [key: string]: unknown;
        };
        WrapperAction: {
            name: string;
            command: string;
            description?: string;
            background?: boolean;
            args?: components["schemas"]["WrapperArg"][];
        };
        /** @description What an image declares by the Docker Image Wrapper convention. */
        WrapperInfo: {
            type?: string;
            ports?: string[];
            capsAdd?: string[];
            privileged?: boolean;
            actions?: {
                [key: string]: components["schemas"]["WrapperAction"];
            };
        };
        ToolboxNetwork: {
            /** @description A network of the lab (its compose name). */
            name: string;
            /** @description A static IPv4 address inside the network's subnet; absent: the highest free one. */
            ip?: string;
        };
        /** @description A toolbox attached to a running instance (engine.ToolboxStatus): an interactive container on lab networks, reached by its name like a service (terminals, files). */
        Toolbox: {
            name: string;
            image: string;
            /** @description Its container's state (running, exited, …). */
            state: string;
            containerId?: string;
            networks: components["schemas"]["NetworkAddr"][];
            /** @description The service its default route goes through. */
            gateway?: string;
        };
        Toolboxes: {
            toolboxes: components["schemas"]["Toolbox"][];
        };
        ToolboxRequest: {
            /** @description A DNS label, not a service's name; absent: toolbox, toolbox-2, … */
            name?: string;
            /** @description Absent: dsp/toolbox:latest. */
            image?: string;
            networks: components["schemas"]["ToolboxNetwork"][];
            /** @description A service of the lab on one of the networks: the toolbox's default route goes through it. */
            gateway?: string;
        };
        ToolboxImage: {
            image: string;
            /** @description On the engine. dsp's own can be built when absent: POST /api/toolbox-images/build. */
            present: boolean;
            /** @description dsp's own toolbox (built by make images). */
            builtin: boolean;
            /** @description Registered by the user (PUT /api/toolbox-images, dsp toolbox register). */
            registered: boolean;
        };
        ToolboxImages: {
            images: components["schemas"]["ToolboxImage"][];
        };
        /** @description A one-shot tool of the catalogue (dsp's, merged with the main directory's .dsp.d/tools.json). */
        Tool: {
            name: string;
            title: string;
            description?: string;
            image: string;
            argv: string[];
            defaultArgs?: string[];
            needsTarget?: boolean;
            /** @description A scan: without a target it takes the network's subnet. */
            targetsNetwork?: boolean;
        };
        Tools: {
            tools: components["schemas"]["Tool"][];
        };
        ToolRequest: {
            tool: string;
            /** @description Replace the tool's default arguments (an argv: no shell ever runs them). */
            args?: string[];
            /** @description Absent: the lab's first network. */
            network?: string;
            /** @description Fills {target} in the default arguments: a service's name or an address; absent: the network's subnet for a tool with targetsNetwork, else field `args` is at fault when the tool needs a target. */
            target?: string;
        };
        LinkShape: {
            /** @description Bits per second; 0: unlimited. */
            rate: number;
            delayMs: number;
            jitterMs: number;
            /** @description Percent of packets lost. */
            loss: number;
            /** @description As dsp words it: `rate 1Mbit/s, delay 50ms ±10ms, loss 1%`, or `none`. */
            text: string;
        };
        /** @description A lab interface of a running container (service or toolbox) and its impairment (engine.LinkStatus). */
        Link: {
            service: string;
            network: string;
            /** @description Its name inside the container (eth0, …). */
            interface: string;
            ip?: string;
            shape: components["schemas"]["LinkShape"];
        };
        Links: {
            links: components["schemas"]["Link"][];
        };
        /** @description Values as tc words them; none: the impairment is cleared. Shaping is on what the interface sends. */
        LinkRequest: {
            /** @description A lab network of the service; absent: all of them. */
            network?: string;
            /** @description `1mbit`, `500kbit`, `2mbps` (bytes/s), … */
            rate?: string;
            /** @description A duration: `50ms`. Needs the kernel's sch_netem. */
            delay?: string;
            /** @description A duration: `10ms`; with a delay. Needs sch_netem. */
            jitter?: string;
            /** @description A percentage: `1`, `0.5%`. Needs sch_netem. */
            loss?: string;
        };
        CaptureTarget: {
            network?: string;
            service?: string;
        };
        /** @description A lab network (everything on its bridge) or a service's (or toolbox's) lab interfaces (on `network` only, when both are given). */
        CaptureRequest: {
            network?: string;
            service?: string;
            /** @description tcpdump's filter syntax, in part: host, src/dst host, net, port, portrange, ether host, arp, ip, ip6, icmp, icmp6, tcp, udp, dns, http, vlan; and, or, not, parentheses. A bad one: field `filter`, the error names the position. */
            filter?: string;
            /** @description Stop after this many packets; 0: no limit. */
            count?: number;
            /** @description Stop after this long: `30s`, `5m`. */
            duration?: string;
        };
        /** @description A packet capture, running or ended (app.CaptureView). Its file is pcapng, one interface block per source with the lab's names. */
        Capture: {
            id: string;
            lab: string;
            instance: string;
            target: components["schemas"]["CaptureTarget"];
            filter?: string;
            count?: number;
            duration?: string;
            /** @enum {string} */
            state: "running" | "stopped" | "failed";
            error?: string;
            /** Format: date-time */
            started: string;
            /** Format: date-time */
            stopped?: string;
            packets: number;
            bytes: number;
            /** @description Packets the kernel dropped because the capture did not keep up. */
            dropped: number;
            /** @description Bytes of the file. */
            size: number;
            interfaces: string[];
            /** @description The name to save the download as. */
            file: string;
        };
        Captures: {
            captures: components["schemas"]["Capture"][];
        };
        CapturePacket: {
            n: number;
            /** Format: date-time */
            time: string;
            /** @description Index into the capture's interfaces. */
            interface: number;
            src: string;
            dst: string;
            protocol: string;
            length: number;
            info: string;
        };
        CaptureStats: {
            packets: number;
            bytes: number;
            dropped: number;
            /** @description Packets this stream did not get (it fell behind); they are in the file. */
            missed: number;
            byProtocol: {
                [key: string]: number;
            };
            /** @description Packets in each of the last 60 seconds, oldest first. */
            perSecond: number[];
        };
        ToolboxImageRegistration: {
            image: string;
            /** @description false forgets it. */
            registered: boolean;
        };
        /** @description A service that is a virtual machine (x-dsp.vm): QEMU in dsp's helper container, on the service's networks and addresses. */
        VM: {
            kernel?: string;
            initrd?: string;
            append?: string;
            disk?: string;
            /** @enum {string} */
            diskFormat?: "qcow2" | "raw";
            keepDisk?: boolean;
            memoryMiB: number;
            cpus: number;
            /** @enum {string} */
            console: "serial" | "vnc";
            readyConsole?: string;
            /** @description Nanoseconds. */
            readyTimeout: number;
            /** @description A TCP port of the VM the start waits for, when it waits for no console line. */
            readyPort?: number;
        };
    };
    responses: {
        /** @description The request is malformed: a body that is not JSON or not `Content-Type: application/json` (field `Content-Type`), unknown body fields, or a path or query value that is not acceptable; `field` names it. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No valid session: log in first (POST /api/login or the one-time login URL). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Refused by the request guard: an `Origin` header that is not this server's own origin (field `Origin`), or a state-changing request without `X-DSP-Request: 1` (field `X-DSP-Request`). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such repository, lab, operation or image. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Busy or in use: another operation runs on the lab (here or in another dsp process), or the image is used by a lab. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The server listens on loopback only and the `Host` header does not name a loopback host (DNS-rebinding defence); field `Host`. */
        Misdirected: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many failed logins from this client (5 within a minute). */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The Docker Engine or the main directory failed. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The web UI is not built (`make web`). */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many flag submissions for this lab from this session (10 within a minute). */
        TooManyFlags: {
            headers: {
                /** @description Seconds to wait. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The Docker Engine cannot be reached. */
        EngineUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
        XDSPRequest: "1";
        /**
         * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
         * @example examples
         */
        repo: string;
        /**
         * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
         * @example hello-flag
         */
        lab: string;
        /**
         * @description Operation id, as returned with 202 (op-N).
         * @example op-1
         */
        operationId: string;
        /**
         * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
         * @example target
         */
        service: string;
        /**
         * @description An absolute path in the service's container, passed to the Docker Engine as data (never to a shell). A path that is not absolute: 400 with field `path`.
         * @example /var/www
         */
        containerPath: string;
        /**
         * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
         * @example default
         */
        instance: components["schemas"]["InstanceName"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    tokenLogin: {
        parameters: {
            query?: {
                /** @description The one-time token. */
                token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No token: the UI's index.html. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Redirect: to `/` with a new session cookie when the token was valid, else to `/#/login?expired=1` (no cookie). */
            303: {
                headers: {
                    /** @description `/` or `/#/login?expired=1`. */
                    Location?: string;
                    /** @description `dsp_session=…; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict`, only for a valid token. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        /** @description The password, as JSON (`Content-Type: application/json`, at most 64 KiB). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            204: {
                headers: {
                    /** @description `dsp_session=…; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            /** @description Wrong password; field `password`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session is valid. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out. */
            204: {
                headers: {
                    /** @description Clears `dsp_session`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    listLabs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalogue. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Catalogue"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    createLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewLabRequest"];
            };
        };
        responses: {
            /** @description The new lab. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Details"];
                };
            };
            /** @description A bad body (not JSON, unknown fields), a refused `name` (field `name`), or `from` not `REPO/LAB` (field `from`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `from` names no lab (field `from`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `name` is taken in the personal repository, in some case (field `name`); or the main directory has no personal repository, or a publish of it is in progress. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    getLab: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lab. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Details"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), or a bad `instance` query value (field `instance`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not one of the personal repository's (other repositories are read-only: copy the lab first), or the request guard refused the request (field `Origin` or `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description An instance of the lab exists (the error names each, `REPO/LAB#instance`) or an operation works on it; or a publish of the personal repository is in progress. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    getLabStatus: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Status"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), or a bad `instance` query value (field `instance`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    listLabInstances: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instances. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabInstances"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    getLabImages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabImages"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    startLab: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
                /** @description `true`: start the lab with every risk stripped (no privileged mode, added capabilities, host namespaces…), which needs no trust. */
                withoutRisks?: boolean;
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), or the lab is invalid (field `lab`, the error lists its problems). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab asks for what needs a trusted repository (its risks are listed), or the request failed the Origin or X-DSP-Request checks. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    stopLab: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    buildLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), or the lab is invalid (field `lab`, the error lists its problems). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    testLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Busy: another operation runs on the lab (here or in another dsp process). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    checkLab: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), or the lab is invalid (field `lab`). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The instance is not running (start it first), or another operation runs on it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    submitFlag: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        /** @description The flag, as JSON (`Content-Type: application/json`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlagRequest"];
            };
        };
        responses: {
            /** @description The flag was checked: `correct` says whether it is right. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagResult"];
                };
            };
            /** @description Bad path value (field `repo` or `lab`), a body that is not `{"flag": "…"}` JSON, an empty flag or one over 1 KiB (field `flag`), or a lab that plants no flag (field `flag`). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The instance is not running: its flags exist only while it runs. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            429: components["responses"]["TooManyFlags"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    openTerminal: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
                /** @description Initial width in columns, 1–1000 (default 80). Otherwise 400 with field `cols`. */
                cols?: number;
                /** @description Initial height in rows, 1–1000 (default 24). Otherwise 400 with field `rows`. */
                rows?: number;
                /** @description Repeat to give an argv to run instead of the shell (`cmd=sh&cmd=-c&cmd=top`); at most 64, the first not empty, no NUL (else 400 with field `cmd`). */
                cmd?: string[];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switched to the WebSocket protocol; see the frames above and the TerminalMessage schema. */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TerminalMessage"];
                };
            };
            /** @description Bad `repo`, `lab` or `service` path value, bad `cols`, `rows` or `cmd`, or a request without `Upgrade: websocket` (field `Upgrade`). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab forbids the shell for this service (compose `x-dsp.shell: false`, upstream `isShellEnabled: false`), field `service`; the error names the service and the lab. Or the request guard refused the request (foreign `Origin`, missing `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unknown lab, or a service the lab does not define (field `service`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, or the service has no running container. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    downloadFile: {
        parameters: {
            query: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
                /**
                 * @description An absolute path in the service's container, passed to the Docker Engine as data (never to a shell). A path that is not absolute: 400 with field `path`.
                 * @example /var/www
                 */
                path: components["parameters"]["containerPath"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file, or the folder as a tar archive. */
            200: {
                headers: {
                    /** @description `attachment; filename="NAME"` (a folder: `NAME.tar`); names that are not ASCII also get `filename*=UTF-8''…`. */
                    "Content-Disposition"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "application/x-tar": string;
                };
            };
            /** @description Bad path values, `path` missing or not absolute (field `path`), or `path` is neither a file nor a folder. A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab forbids the shell for this service (compose `x-dsp.shell: false`, upstream `isShellEnabled: false`), field `service`; the error names the service and the lab. Or the request guard refused the request (foreign `Origin`, missing `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unknown lab or service, or `path` does not exist in the container (field `path`; the error names the path and the service). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, or the service has no running container. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    uploadFiles: {
        parameters: {
            query: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
                /**
                 * @description An absolute path in the service's container, passed to the Docker Engine as data (never to a shell). A path that is not absolute: 400 with field `path`.
                 * @example /var/www
                 */
                path: components["parameters"]["containerPath"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    file: string[];
                };
            };
        };
        responses: {
            /** @description Written. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResult"];
                };
            };
            /** @description Bad path values; `path` not absolute or not a folder (field `path`); not multipart/form-data (field `Content-Type`); a part not named `file`, without a filename, or with a refused relative path, or no file at all (field `file`). A bad `instance` query value: field `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab forbids the shell for this service (compose `x-dsp.shell: false`, upstream `isShellEnabled: false`), field `service`; the error names the service and the lab. Or the request guard refused the request (foreign `Origin`, missing `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unknown lab or service, or the folder `path` does not exist in the container (field `path`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, or the service has no running container; or the Engine refused to replace a folder with a file (or the reverse). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The upload is larger than 1 GiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            /** @description Four uploads are in progress already; try again when one ends (`Retry-After`). */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    getOperation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Operation id, as returned with 202 (op-N).
                 * @example op-1
                 */
                id: components["parameters"]["operationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such operation; field `id`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    listImages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Images"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    removeImage: {
        parameters: {
            query: {
                /** @description Image name (`dsp-examples/hello-target:1`) or id (`sha256:…`), URL-encoded. */
                ref: string;
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No `ref` (field `ref`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such image on this machine; field `ref`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A lab uses the image (the error names it); field `ref`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    pullImage: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        /** @description The image to pull, as JSON. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["PullRequest"];
            };
        };
        responses: {
            /** @description The pull started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationAccepted"];
                };
            };
            /** @description Bad body, or `image` is not an image reference (field `image`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    getSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    events: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example retry: 1000
                     *     : connected
                     *
                     *     event: operation
                     *     data: {"operation":"op-1","kind":"up","lab":"examples/hello-flag","instance":"default","image":"","state":"running","error":""}
                     */
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    ui: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description index.html or a file of the UI. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "*/*": string;
                };
            };
            403: components["responses"]["Forbidden"];
            /** @description Not GET or HEAD. */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    setLabExposure: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    exposed: boolean;
                };
            };
        };
        responses: {
            /** @description Whether the lab is exposed now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        exposed: boolean;
                    };
                };
            };
            /** @description Bad body (field `exposed`) or path value. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    listRepos: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The repositories. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepoList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    addRepo: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddRepoRequest"];
            };
        };
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepoOperationAccepted"];
                };
            };
            /** @description Bad body, URL or name; `field` names it (`url`, `name`, `branch`, `sshKey`, …). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description A host key that changed (`hostKey.changed: true`), or the request guard (field `Origin` or `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The name is taken (field `name`), or the SSH host key is not known yet (`hostKey`, `changed: false`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    repoSuggestions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The suggestions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suggestions"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    removeRepo: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad `repo` path value (field `repo`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The personal repository, or the request guard (field `Origin` or `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description One of its labs runs (the error names it). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    updateRepo: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRepoRequest"];
            };
        };
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepoOperationAccepted"];
                };
            };
            /** @description Bad body or `repo` path value; a repository that is not a git checkout (field `repo`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description One of its labs runs (the error names it), or local edits conflict with the update (the error lists the files). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    setRepoTrust: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrustRequest"];
            };
        };
        responses: {
            /** @description The repository. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepoInfo"];
                };
            };
            /** @description Bad body (field `trusted`) or `repo` path value. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    setRepoCredentials: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsRequest"];
            };
        };
        responses: {
            /** @description Kept. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad body (field `token`) or `repo` path value. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    forgetRepoCredentials: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forgotten (or there were none). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad `repo` path value (field `repo`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    publishRepo: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PublishRequest"];
            };
        };
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepoOperationAccepted"];
                };
            };
            /** @description Bad body (field `remote`, …) or `repo` path value; no remote to push to (field `remote`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Not the personal repository, or the request guard (field `Origin` or `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description Another operation runs on the repository. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    getLabSource: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lab as the editor opens it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabSource"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    saveLabSource: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourceRequest"];
            };
        };
        responses: {
            /** @description Saved. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SaveResult"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    parseLabSource: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourceRequest"];
            };
        };
        responses: {
            /** @description The model and the problems. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ParsedSource"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    renderLabSource: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourceRequest"];
            };
        };
        responses: {
            /** @description The new text, its model and its problems. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ParsedSource"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    freeAddress: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourceRequest"];
            };
        };
        responses: {
            /** @description The address. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FreeAddress"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    planApply: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description A bad body or path value (field named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not in the personal repository (editing), or the request is not allowed. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The instance is not running. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    applyLab: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description The lab does not validate. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Forbidden. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The instance is not running, or busy. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    importLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description The compose file or archive, with its filename. */
                    file: string;
                    /** @description The lab's name, its folder in the personal repository: one folder name (no `/` or `\\`, no leading dot, so never `.` or `..`, no control characters, no leading or trailing space; spaces and dots are fine), not used by another entry of the repository, whatever its case. */
                    name?: string;
                };
            };
        };
        responses: {
            /** @description The imported lab. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Details"];
                };
            };
            /** @description Not multipart/form-data (field `Content-Type`); no file, a file without a filename, an unknown field, a file that is not a compose file or an archive dsp reads, a damaged archive, a refused entry (named in the error), an archive over the limits, an archive that holds no lab, or a lab that does not load (its errors listed): field `file`. A refused or missing name: field `name`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description The name is taken in the personal repository, in some case (field `name`); or the main directory has no personal repository, or a publish of it is in progress. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request is larger than 257 MiB (field `file`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            /** @description Four uploads are in progress already; try again when one ends (`Retry-After`). */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    exportLab: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archive. */
            200: {
                headers: {
                    /** @description `attachment; filename="NAME.tar.gz"`; names that are not ASCII also get `filename*=UTF-8''…`. */
                    "Content-Disposition"?: string;
                    /** @description The archive's size. */
                    "Content-Length"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": string;
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    copyLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LabNameRequest"];
            };
        };
        responses: {
            /** @description The copy. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Details"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), a bad body, or a refused `name` (field `name`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description `name` is taken in the personal repository, in some case (field `name`); or the main directory has no personal repository, or a publish of it is in progress. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    renameLab: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LabNameRequest"];
            };
        };
        responses: {
            /** @description The renamed lab. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Details"];
                };
            };
            /** @description Bad `repo` or `lab` path value (field `repo` or `lab`), a bad body, or a refused `name` — the lab's own name included (field `name`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The lab is not one of the personal repository's (other repositories are read-only: copy the lab first), or the request guard refused the request (field `Origin` or `X-DSP-Request`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description An instance of the lab exists (the error names each, `REPO/LAB#instance`) or an operation works on it; or a publish of the personal repository is in progress; or `name` is taken, in some case (field `name`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    listToolboxes: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The toolboxes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Toolboxes"];
                };
            };
            /** @description Bad `repo`, `lab` or `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    attachToolbox: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ToolboxRequest"];
            };
        };
        responses: {
            /** @description Attached. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Toolbox"];
                };
            };
            /** @description A field at fault: `name`, `network`, `ip`, `gateway` (named in `field`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab, network (field `network`) or gateway service (field `gateway`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, the name is taken (field `name`), or the image is missing (`make images` builds dsp/toolbox). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    detachToolbox: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad `repo`, `lab` or `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab or toolbox. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: components["responses"]["Conflict"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    listToolboxImages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ToolboxImages"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    registerToolboxImage: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ToolboxImageRegistration"];
            };
        };
        responses: {
            /** @description The images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ToolboxImages"];
                };
            };
            /** @description Not an image reference: field `image`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    listTools: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tools. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tools"];
                };
            };
            /** @description The user's catalogue is broken: the error names the file, the tool and the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    runTool: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ToolRequest"];
            };
        };
        responses: {
            /** @description The operation started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabOperationAccepted"];
                };
            };
            /** @description A field at fault: `tool`, `network`, `args`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab, tool (field `tool`) or network (field `network`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, or the tool's image is missing. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    cancelOperation: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Operation id, as returned with 202 (op-N).
                 * @example op-1
                 */
                id: components["parameters"]["operationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such operation. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The operation cannot be cancelled (a start, a stop, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    listLinks: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The links. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Links"];
                };
            };
            /** @description Bad `repo`, `lab` or `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The lab is not running. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    setLink: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /** @description A service (or toolbox) of the running instance. */
                service: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LinkRequest"];
            };
        };
        responses: {
            /** @description The service's links as they are now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Links"];
                };
            };
            /** @description A value at fault: field `rate`, `delay`, `jitter`, `loss`, `network` or `service`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab, or the service is not on that network. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab or the service is not running. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            /** @description The kernel lacks what the shape needs: sch_netem for a delay, jitter or loss (field names the value); rate limits work without it. Or the Docker Engine cannot be reached. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    clearLink: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
                network?: string;
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /** @description A service (or toolbox) of the running instance. */
                service: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service's links as they are now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Links"];
                };
            };
            /** @description Bad `repo`, `lab`, `instance` or `network`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab, or the service is not on that network. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab or the service is not running. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    listLabCaptures: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The captures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Captures"];
                };
            };
            /** @description Bad `repo`, `lab` or `instance`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    startCapture: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaptureRequest"];
            };
        };
        responses: {
            /** @description Started. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capture"];
                };
            };
            /** @description A field at fault: `network`, `service`, `filter`, `count`, `duration`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab, network or service. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab is not running, or 8 captures run already. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            /** @description The engine cannot capture (the Docker Engine cannot be reached, or dsp is not root on its host). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listCaptures: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The captures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Captures"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    getCapture: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The capture. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capture"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such capture. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteCapture: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such capture. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The capture is running: stop it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    stopCapture: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The capture as it ended. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capture"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such capture. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    downloadCapture: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file (Content-Disposition names it). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-pcapng": string;
                };
            };
            /** @description A range of it. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-pcapng": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such capture. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The range is outside the file. */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    watchCapture: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A capture id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such capture. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The capture has ended. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
        };
    };
    buildToolboxImage: {
        parameters: {
            query?: never;
            header: {
                /** @description CSRF defence: every request that is not GET or HEAD must carry `X-DSP-Request: 1`, which a cross-site form or a simple cross-origin request cannot set. Without it: 403 with field `X-DSP-Request`. */
                "X-DSP-Request": components["parameters"]["XDSPRequest"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationAccepted"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description The base image dsp/debian:bookworm is missing (make images makes it), or a build of the image runs already. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
    vmScreen: {
        parameters: {
            query?: {
                /**
                 * @description The lab instance to act on (default `default`, the instance of a user who never names one): 1–32 lower-case letters, digits and `-`, starting with a letter or digit. Another name: 400 with field `instance`.
                 * @example default
                 */
                instance?: components["parameters"]["instance"];
            };
            header?: never;
            path: {
                /**
                 * @description Repository name: one path segment, URL-encoded (`%20` for a space; names may contain spaces and dots, e.g. `Solr 3.5.0`). No `/` or `\\` (an encoded `%2F` is refused), no leading dot (so never `.` or `..`), no control characters, no leading or trailing space. An exact match wins, else a unique case-insensitive match. Refused names: 400 with field `repo`.
                 * @example examples
                 */
                repo: components["parameters"]["repo"];
                /**
                 * @description Lab name (its folder): one path segment, URL-encoded, same rules as `repo` (e.g. `Bypass%20The%20Firewall`). Refused names: 400 with field `lab`. A lab folder that is a symbolic link leading outside its repository is not a lab (404).
                 * @example hello-flag
                 */
                lab: components["parameters"]["lab"];
                /**
                 * @description Service name, as the lab's compose file names it (one URL-encoded path segment, same character rules as `repo`). Refused names: 400 with field `service`; a service the lab does not define: 404 with field `service`.
                 * @example target
                 */
                service: components["parameters"]["service"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching to the WebSocket. */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad `repo`, `lab`, `instance` or `service`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such lab or service. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The lab or the service is not running, or the service has no screen (not a VM with console: vnc). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            421: components["responses"]["Misdirected"];
            /** @description Not a WebSocket upgrade. */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["EngineUnavailable"];
        };
    };
}
