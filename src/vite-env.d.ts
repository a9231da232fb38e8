/// <reference types="vite/client" />

/** Default watched extensions, from SWITCHBOARD_EXTENSIONS or the built-in PBX's demo set. */
declare const __DEFAULT_EXTENSIONS__: string

/** Default "My extensions", from SWITCHBOARD_MY_EXTENSIONS or one of the demo's (a first run has something that rings). */
declare const __DEFAULT_MY_EXTENSIONS__: string
