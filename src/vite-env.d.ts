/// <reference types="vite/client" />

/** Default watched extensions, from SWITCHBOARD_EXTENSIONS or the built-in PBX's demo set. */
declare const __DEFAULT_EXTENSIONS__: string
