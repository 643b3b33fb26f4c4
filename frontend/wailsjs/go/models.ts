export namespace app {
	
	export class AppInfo {
	    version: string;
	    iamDataDate: string;
	    iamDataSource: string;
	    services: number;
	    actions: number;
	    dataDir: string;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.iamDataDate = source["iamDataDate"];
	        this.iamDataSource = source["iamDataSource"];
	        this.services = source["services"];
	        this.actions = source["actions"];
	        this.dataDir = source["dataDir"];
	    }
	}
	export class ConnectionRequest {
	    profile: string;
	    mfaCode: string;
	
	    static createFrom(source: any = {}) {
	        return new ConnectionRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.mfaCode = source["mfaCode"];
	    }
	}
	export class ConnectionResult {
	    ok: boolean;
	    account: string;
	    arn: string;
	    userId: string;
	    needsMfa: boolean;
	    mfaSerial: string;
	    needsSsoLogin: boolean;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new ConnectionResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.account = source["account"];
	        this.arn = source["arn"];
	        this.userId = source["userId"];
	        this.needsMfa = source["needsMfa"];
	        this.mfaSerial = source["mfaSerial"];
	        this.needsSsoLogin = source["needsSsoLogin"];
	        this.message = source["message"];
	    }
	}
	export class Diagnostic {
	    line: number;
	    column: number;
	    offset: number;
	    path: string;
	    code: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Diagnostic(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.line = source["line"];
	        this.column = source["column"];
	        this.offset = source["offset"];
	        this.path = source["path"];
	        this.code = source["code"];
	        this.message = source["message"];
	    }
	}
	export class FormatRequest {
	    text: string;
	    kind: string;
	
	    static createFrom(source: any = {}) {
	        return new FormatRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.kind = source["kind"];
	    }
	}
	export class FormatResult {
	    ok: boolean;
	    canonical: string;
	    errors: Diagnostic[];
	
	    static createFrom(source: any = {}) {
	        return new FormatResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.canonical = source["canonical"];
	        this.errors = this.convertValues(source["errors"], Diagnostic);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HistoryEntry {
	    id: string;
	    kind: string;
	    title: string;
	    createdAt: string;
	    summary: string;
	    payload: number[];
	
	    static createFrom(source: any = {}) {
	        return new HistoryEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.createdAt = source["createdAt"];
	        this.summary = source["summary"];
	        this.payload = source["payload"];
	    }
	}
	export class MCPServer {
	    name: string;
	    transport: string;
	    command: string;
	    args: string[];
	    url: string;
	    enabled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MCPServer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.transport = source["transport"];
	        this.command = source["command"];
	        this.args = source["args"];
	        this.url = source["url"];
	        this.enabled = source["enabled"];
	    }
	}
	export class Profile {
	    name: string;
	    region: string;
	    kind: string;
	    sourceProfile: string;
	    credentialSource?: string;
	    roleArn: string;
	    mfaSerial: string;
	    ssoSession: string;
	    ssoStartUrl: string;
	    ssoRegion: string;
	    ssoAccountId: string;
	    ssoRoleName: string;
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new Profile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.region = source["region"];
	        this.kind = source["kind"];
	        this.sourceProfile = source["sourceProfile"];
	        this.credentialSource = source["credentialSource"];
	        this.roleArn = source["roleArn"];
	        this.mfaSerial = source["mfaSerial"];
	        this.ssoSession = source["ssoSession"];
	        this.ssoStartUrl = source["ssoStartUrl"];
	        this.ssoRegion = source["ssoRegion"];
	        this.ssoAccountId = source["ssoAccountId"];
	        this.ssoRoleName = source["ssoRoleName"];
	        this.problem = source["problem"];
	    }
	}
	export class PurgeResult {
	    deleted: number;
	
	    static createFrom(source: any = {}) {
	        return new PurgeResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.deleted = source["deleted"];
	    }
	}
	export class SSOLogin {
	    userCode: string;
	    verificationUri: string;
	    verificationUriComplete: string;
	    expiresAt: string;
	    intervalSeconds: number;
	
	    static createFrom(source: any = {}) {
	        return new SSOLogin(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.userCode = source["userCode"];
	        this.verificationUri = source["verificationUri"];
	        this.verificationUriComplete = source["verificationUriComplete"];
	        this.expiresAt = source["expiresAt"];
	        this.intervalSeconds = source["intervalSeconds"];
	    }
	}
	export class WindowState {
	    x: number;
	    y: number;
	    width: number;
	    height: number;
	    maximised: boolean;
	
	    static createFrom(source: any = {}) {
	        return new WindowState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.x = source["x"];
	        this.y = source["y"];
	        this.width = source["width"];
	        this.height = source["height"];
	        this.maximised = source["maximised"];
	    }
	}
	export class Settings {
	    theme: string;
	    profile: string;
	    defaultRegion: string;
	    bedrockModelId: string;
	    bedrockRegion: string;
	    mcpServers: MCPServer[];
	    window: WindowState;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.theme = source["theme"];
	        this.profile = source["profile"];
	        this.defaultRegion = source["defaultRegion"];
	        this.bedrockModelId = source["bedrockModelId"];
	        this.bedrockRegion = source["bedrockRegion"];
	        this.mcpServers = this.convertValues(source["mcpServers"], MCPServer);
	        this.window = this.convertValues(source["window"], WindowState);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

