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
	export class ApplyRequest {
	    id: string;
	    token: string;
	
	    static createFrom(source: any = {}) {
	        return new ApplyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.token = source["token"];
	    }
	}
	export class ConsentPreview {
	    provider: string;
	    model: string;
	    url: string;
	    body: string;
	
	    static createFrom(source: any = {}) {
	        return new ConsentPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.url = source["url"];
	        this.body = source["body"];
	    }
	}
	export class AssistantConsent {
	    digest: string;
	    preview: ConsentPreview;
	    tools: assist.ToolScope[];
	
	    static createFrom(source: any = {}) {
	        return new AssistantConsent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.digest = source["digest"];
	        this.preview = this.convertValues(source["preview"], ConsentPreview);
	        this.tools = this.convertValues(source["tools"], assist.ToolScope);
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
	export class AssistantTurn {
	    question: string;
	    answer: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistantTurn(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.question = source["question"];
	        this.answer = source["answer"];
	    }
	}
	export class ValidateRequest {
	    text: string;
	    fileName: string;
	    kind: string;
	    save: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ValidateRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.fileName = source["fileName"];
	        this.kind = source["kind"];
	        this.save = source["save"];
	    }
	}
	export class AssistantQuestion {
	    validation?: ValidateRequest;
	    auditId: string;
	    principal: string;
	    question: string;
	    history: AssistantTurn[];
	    consent: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistantQuestion(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.validation = this.convertValues(source["validation"], ValidateRequest);
	        this.auditId = source["auditId"];
	        this.principal = source["principal"];
	        this.question = source["question"];
	        this.history = this.convertValues(source["history"], AssistantTurn);
	        this.consent = source["consent"];
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
	export class AssistantReply {
	    status: string;
	    answer: string;
	    cites: assist.Citation[];
	    consent?: AssistantConsent;
	    model: string;
	    notice: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistantReply(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.answer = source["answer"];
	        this.cites = this.convertValues(source["cites"], assist.Citation);
	        this.consent = this.convertValues(source["consent"], AssistantConsent);
	        this.model = source["model"];
	        this.notice = source["notice"];
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
	export class AssistantStatus {
	    configured: boolean;
	    provider: string;
	    model: string;
	    hint: string;
	    warning: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistantStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.configured = source["configured"];
	        this.provider = source["provider"];
	        this.model = source["model"];
	        this.hint = source["hint"];
	        this.warning = source["warning"];
	    }
	}
	
	export class AthenaSource {
	    database: string;
	    table: string;
	    bucket: string;
	    prefix: string;
	    org: string;
	    since: string;
	    workgroup: string;
	    output: string;
	    roleArn: string;
	
	    static createFrom(source: any = {}) {
	        return new AthenaSource(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.database = source["database"];
	        this.table = source["table"];
	        this.bucket = source["bucket"];
	        this.prefix = source["prefix"];
	        this.org = source["org"];
	        this.since = source["since"];
	        this.workgroup = source["workgroup"];
	        this.output = source["output"];
	        this.roleArn = source["roleArn"];
	    }
	}
	export class AuditSummary {
	    id: string;
	    account: string;
	    // Go type: time
	    createdAt: any;
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new AuditSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.account = source["account"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.summary = source["summary"];
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
	export class AuditDrift {
	    from: AuditSummary;
	    to: AuditSummary;
	    drift?: result.Drift;
	
	    static createFrom(source: any = {}) {
	        return new AuditDrift(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = this.convertValues(source["from"], AuditSummary);
	        this.to = this.convertValues(source["to"], AuditSummary);
	        this.drift = this.convertValues(source["drift"], result.Drift);
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
	export class AuditExportRequest {
	    id: string;
	    principal: string;
	    format: string;
	
	    static createFrom(source: any = {}) {
	        return new AuditExportRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.principal = source["principal"];
	        this.format = source["format"];
	    }
	}
	export class AuditRequest {
	    source: string;
	    profile: string;
	    regions: string[];
	    allRegions: boolean;
	    region?: string;
	    usage: string;
	    athena: AthenaSource;
	    lakeEventDataStore: string;
	    mcpServer: string;
	    authz: string;
	    credentialReport: string;
	    organization: string;
	    passwordPolicy: string;
	    resourcePolicies: string;
	    accessAdvisor: string;
	    eventSelectors: string;
	    cloudTrailDir: string;
	    bundle: string;
	    windowDays: number;
	    end: string;
	
	    static createFrom(source: any = {}) {
	        return new AuditRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.source = source["source"];
	        this.profile = source["profile"];
	        this.regions = source["regions"];
	        this.allRegions = source["allRegions"];
	        this.region = source["region"];
	        this.usage = source["usage"];
	        this.athena = this.convertValues(source["athena"], AthenaSource);
	        this.lakeEventDataStore = source["lakeEventDataStore"];
	        this.mcpServer = source["mcpServer"];
	        this.authz = source["authz"];
	        this.credentialReport = source["credentialReport"];
	        this.organization = source["organization"];
	        this.passwordPolicy = source["passwordPolicy"];
	        this.resourcePolicies = source["resourcePolicies"];
	        this.accessAdvisor = source["accessAdvisor"];
	        this.eventSelectors = source["eventSelectors"];
	        this.cloudTrailDir = source["cloudTrailDir"];
	        this.bundle = source["bundle"];
	        this.windowDays = source["windowDays"];
	        this.end = source["end"];
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
	export class AuditRun {
	    id: string;
	    previousId: string;
	    audit?: result.Audit;
	    source: string;
	    gaps: collect.Gap[];
	    denials?: remediate.Denial[];
	
	    static createFrom(source: any = {}) {
	        return new AuditRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.previousId = source["previousId"];
	        this.audit = this.convertValues(source["audit"], result.Audit);
	        this.source = source["source"];
	        this.gaps = this.convertValues(source["gaps"], collect.Gap);
	        this.denials = this.convertValues(source["denials"], remediate.Denial);
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
	
	export class PrincipalTrend {
	    arn: string;
	    name: string;
	    scores: number[];
	
	    static createFrom(source: any = {}) {
	        return new PrincipalTrend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.scores = source["scores"];
	    }
	}
	export class TrendPoint {
	    id: string;
	    // Go type: time
	    createdAt: any;
	    riskScore: number;
	
	    static createFrom(source: any = {}) {
	        return new TrendPoint(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.riskScore = source["riskScore"];
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
	export class AuditTrend {
	    account: string;
	    points: TrendPoint[];
	    principals: PrincipalTrend[];
	
	    static createFrom(source: any = {}) {
	        return new AuditTrend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.points = this.convertValues(source["points"], TrendPoint);
	        this.principals = this.convertValues(source["principals"], PrincipalTrend);
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
	export class ChatMessage {
	    role: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new ChatMessage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.role = source["role"];
	        this.text = source["text"];
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
	
	export class ControlStatus {
	    id: string;
	    title: string;
	    section: string;
	    status: string;
	    worst: string;
	    findings: number;
	
	    static createFrom(source: any = {}) {
	        return new ControlStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.section = source["section"];
	        this.status = source["status"];
	        this.worst = source["worst"];
	        this.findings = source["findings"];
	    }
	}
	export class GenerateFinding {
	    id: string;
	    severity: string;
	    title: string;
	    message: string;
	    statement: number;
	    sid: string;
	
	    static createFrom(source: any = {}) {
	        return new GenerateFinding(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.severity = source["severity"];
	        this.title = source["title"];
	        this.message = source["message"];
	        this.statement = source["statement"];
	        this.sid = source["sid"];
	    }
	}
	export class Conversation {
	    id: string;
	    title: string;
	    messages: ChatMessage[];
	    status: string;
	    consent?: ConsentPreview;
	    model: string;
	    questions: generate.Question[];
	    permissionsPolicy: string;
	    trustPolicy: string;
	    explanations: generate.Explanation[];
	    suggestions: generate.Suggestion[];
	    findings: GenerateFinding[];
	    riskScore: number;
	    riskBand: string;
	    decisions: string[];
	    defaults: string[];
	    notes: string[];
	    placeholders: string[];
	
	    static createFrom(source: any = {}) {
	        return new Conversation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.messages = this.convertValues(source["messages"], ChatMessage);
	        this.status = source["status"];
	        this.consent = this.convertValues(source["consent"], ConsentPreview);
	        this.model = source["model"];
	        this.questions = this.convertValues(source["questions"], generate.Question);
	        this.permissionsPolicy = source["permissionsPolicy"];
	        this.trustPolicy = source["trustPolicy"];
	        this.explanations = this.convertValues(source["explanations"], generate.Explanation);
	        this.suggestions = this.convertValues(source["suggestions"], generate.Suggestion);
	        this.findings = this.convertValues(source["findings"], GenerateFinding);
	        this.riskScore = source["riskScore"];
	        this.riskBand = source["riskBand"];
	        this.decisions = source["decisions"];
	        this.defaults = source["defaults"];
	        this.notes = source["notes"];
	        this.placeholders = source["placeholders"];
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
	export class ExportResult {
	    text: string;
	    suggestedName: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.suggestedName = source["suggestedName"];
	    }
	}
	export class FixOffer {
	    label: string;
	    paramLabel: string;
	    paramSuggestion: string;
	
	    static createFrom(source: any = {}) {
	        return new FixOffer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.label = source["label"];
	        this.paramLabel = source["paramLabel"];
	        this.paramSuggestion = source["paramSuggestion"];
	    }
	}
	export class Finding {
	    id: string;
	    category: string;
	    severity: string;
	    title: string;
	    message: string;
	    remediation: string;
	    line: number;
	    column: number;
	    statement: number;
	    sid: string;
	    element: string;
	    fingerprint: string;
	    compliance: string[];
	    fix?: FixOffer;
	
	    static createFrom(source: any = {}) {
	        return new Finding(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.category = source["category"];
	        this.severity = source["severity"];
	        this.title = source["title"];
	        this.message = source["message"];
	        this.remediation = source["remediation"];
	        this.line = source["line"];
	        this.column = source["column"];
	        this.statement = source["statement"];
	        this.sid = source["sid"];
	        this.element = source["element"];
	        this.fingerprint = source["fingerprint"];
	        this.compliance = source["compliance"];
	        this.fix = this.convertValues(source["fix"], FixOffer);
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
	
	export class FixRequest {
	    input: ValidateRequest;
	    findingId: string;
	    line: number;
	    column: number;
	    statement: number;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new FixRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.input = this.convertValues(source["input"], ValidateRequest);
	        this.findingId = source["findingId"];
	        this.line = source["line"];
	        this.column = source["column"];
	        this.statement = source["statement"];
	        this.value = source["value"];
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
	export class FrameworkStatus {
	    id: string;
	    name: string;
	    version: string;
	    fail: number;
	    pass: number;
	    notApplicable: number;
	    manual: number;
	    controls: ControlStatus[];
	
	    static createFrom(source: any = {}) {
	        return new FrameworkStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.version = source["version"];
	        this.fail = source["fail"];
	        this.pass = source["pass"];
	        this.notApplicable = source["notApplicable"];
	        this.manual = source["manual"];
	        this.controls = this.convertValues(source["controls"], ControlStatus);
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
	export class PolicyReport {
	    name: string;
	    kind: string;
	    owner: string;
	    score: RiskScore;
	    findings: Finding[];
	    errors: Diagnostic[];
	
	    static createFrom(source: any = {}) {
	        return new PolicyReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.owner = source["owner"];
	        this.score = this.convertValues(source["score"], RiskScore);
	        this.findings = this.convertValues(source["findings"], Finding);
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
	export class SeverityCounts {
	    critical: number;
	    high: number;
	    medium: number;
	    low: number;
	    info: number;
	
	    static createFrom(source: any = {}) {
	        return new SeverityCounts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.critical = source["critical"];
	        this.high = source["high"];
	        this.medium = source["medium"];
	        this.low = source["low"];
	        this.info = source["info"];
	    }
	}
	export class RiskScore {
	    value: number;
	    band: string;
	    counts: SeverityCounts;
	    reasons: string[];
	    explanation: string;
	
	    static createFrom(source: any = {}) {
	        return new RiskScore(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.value = source["value"];
	        this.band = source["band"];
	        this.counts = this.convertValues(source["counts"], SeverityCounts);
	        this.reasons = source["reasons"];
	        this.explanation = source["explanation"];
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
	export class ValidateResult {
	    fileName: string;
	    format: string;
	    canonical: string;
	    score: RiskScore;
	    policies: PolicyReport[];
	    compliance: FrameworkStatus[];
	    notes: string[];
	    historyId: string;
	
	    static createFrom(source: any = {}) {
	        return new ValidateResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fileName = source["fileName"];
	        this.format = source["format"];
	        this.canonical = source["canonical"];
	        this.score = this.convertValues(source["score"], RiskScore);
	        this.policies = this.convertValues(source["policies"], PolicyReport);
	        this.compliance = this.convertValues(source["compliance"], FrameworkStatus);
	        this.notes = source["notes"];
	        this.historyId = source["historyId"];
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
	export class FixResult {
	    text: string;
	    result: ValidateResult;
	
	    static createFrom(source: any = {}) {
	        return new FixResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.result = this.convertValues(source["result"], ValidateResult);
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
	
	export class GenerateAnswers {
	    conversationId: string;
	    answers: generate.Answer[];
	
	    static createFrom(source: any = {}) {
	        return new GenerateAnswers(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.answers = this.convertValues(source["answers"], generate.Answer);
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
	
	export class GenerateMessage {
	    conversationId: string;
	    text: string;
	    consent: boolean;
	    offline: boolean;
	
	    static createFrom(source: any = {}) {
	        return new GenerateMessage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.text = source["text"];
	        this.consent = source["consent"];
	        this.offline = source["offline"];
	    }
	}
	export class GenerateStart {
	    description: string;
	    templateId: string;
	    params: {[key: string]: string};
	    consent: boolean;
	    offline: boolean;
	
	    static createFrom(source: any = {}) {
	        return new GenerateStart(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.description = source["description"];
	        this.templateId = source["templateId"];
	        this.params = source["params"];
	        this.consent = source["consent"];
	        this.offline = source["offline"];
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
	export class LakeStore {
	    arn: string;
	    name: string;
	    status: string;
	    multiRegion: boolean;
	    organization: boolean;
	    retentionDays: number;
	
	    static createFrom(source: any = {}) {
	        return new LakeStore(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.status = source["status"];
	        this.multiRegion = source["multiRegion"];
	        this.organization = source["organization"];
	        this.retentionDays = source["retentionDays"];
	    }
	}
	export class MCPServer {
	    name: string;
	    transport: string;
	    command: string;
	    args: string[];
	    env: string[];
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
	        this.env = source["env"];
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
	export class RemediationRequest {
	    auditId: string;
	    principal: string;
	
	    static createFrom(source: any = {}) {
	        return new RemediationRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.auditId = source["auditId"];
	        this.principal = source["principal"];
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
	    modelProvider: string;
	    openaiBaseUrl: string;
	    openaiModel: string;
	    allowRemediation: boolean;
	
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
	        this.modelProvider = source["modelProvider"];
	        this.openaiBaseUrl = source["openaiBaseUrl"];
	        this.openaiModel = source["openaiModel"];
	        this.allowRemediation = source["allowRemediation"];
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

export namespace assist {
	
	export class Citation {
	    kind: string;
	    id: string;
	    title: string;
	    severity?: string;
	
	    static createFrom(source: any = {}) {
	        return new Citation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.id = source["id"];
	        this.title = source["title"];
	        this.severity = source["severity"];
	    }
	}
	export class ToolScope {
	    name: string;
	    description: string;
	
	    static createFrom(source: any = {}) {
	        return new ToolScope(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	    }
	}

}

export namespace audit {
	
	export class Gap {
	    account: string;
	    region: string;
	    from: string;
	    to: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Gap(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.region = source["region"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.reason = source["reason"];
	    }
	}
	export class Verdict {
	    state: string;
	    reasons?: string[];
	    count?: number;
	    // Go type: time
	    lastUsed: any;
	
	    static createFrom(source: any = {}) {
	        return new Verdict(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.reasons = source["reasons"];
	        this.count = source["count"];
	        this.lastUsed = this.convertValues(source["lastUsed"], null);
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

export namespace awsapi {
	
	export class IAMCall {
	    operation: string;
	    params: {[key: string]: string};
	
	    static createFrom(source: any = {}) {
	        return new IAMCall(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.operation = source["operation"];
	        this.params = source["params"];
	    }
	}
	export class PolicyVersion {
	    id: string;
	    document: string;
	    default: boolean;
	    // Go type: time
	    created: any;
	
	    static createFrom(source: any = {}) {
	        return new PolicyVersion(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.document = source["document"];
	        this.default = source["default"];
	        this.created = this.convertValues(source["created"], null);
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
	export class ManagedPolicy {
	    arn: string;
	    name: string;
	    path: string;
	    defaultVersion: string;
	    attachmentCount: number;
	    boundaryUsageCount: number;
	    versions: PolicyVersion[];
	
	    static createFrom(source: any = {}) {
	        return new ManagedPolicy(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.path = source["path"];
	        this.defaultVersion = source["defaultVersion"];
	        this.attachmentCount = source["attachmentCount"];
	        this.boundaryUsageCount = source["boundaryUsageCount"];
	        this.versions = this.convertValues(source["versions"], PolicyVersion);
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

export namespace collect {
	
	export class Capability {
	    need: string;
	    tool: string;
	    limit?: string;
	
	    static createFrom(source: any = {}) {
	        return new Capability(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.need = source["need"];
	        this.tool = source["tool"];
	        this.limit = source["limit"];
	    }
	}
	export class Gap {
	    tool: string;
	    target?: string;
	    api?: string;
	    reason: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Gap(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.tool = source["tool"];
	        this.target = source["target"];
	        this.api = source["api"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	    }
	}
	export class Shortfall {
	    need: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Shortfall(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.need = source["need"];
	        this.reason = source["reason"];
	    }
	}
	export class ServerReport {
	    name: string;
	    version: string;
	    protocol: string;
	    tools: string[];
	    provides: Capability[];
	    lacks: Shortfall[];
	
	    static createFrom(source: any = {}) {
	        return new ServerReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.version = source["version"];
	        this.protocol = source["protocol"];
	        this.tools = source["tools"];
	        this.provides = this.convertValues(source["provides"], Capability);
	        this.lacks = this.convertValues(source["lacks"], Shortfall);
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

export namespace generate {
	
	export class ActionExplanation {
	    action: string;
	    accessLevel: string;
	    description: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionExplanation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.accessLevel = source["accessLevel"];
	        this.description = source["description"];
	    }
	}
	export class Answer {
	    id: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Answer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.value = source["value"];
	    }
	}
	export class Explanation {
	    sid: string;
	    summary: string;
	    actions: ActionExplanation[];
	
	    static createFrom(source: any = {}) {
	        return new Explanation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sid = source["sid"];
	        this.summary = source["summary"];
	        this.actions = this.convertValues(source["actions"], ActionExplanation);
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
	export class Question {
	    id: string;
	    text: string;
	    options: string[];
	    default?: string;
	
	    static createFrom(source: any = {}) {
	        return new Question(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.text = source["text"];
	        this.options = source["options"];
	        this.default = source["default"];
	    }
	}
	export class Suggestion {
	    id: string;
	    title: string;
	    detail: string;
	
	    static createFrom(source: any = {}) {
	        return new Suggestion(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.detail = source["detail"];
	    }
	}
	export class TemplateParam {
	    name: string;
	    text: string;
	    default: string;
	
	    static createFrom(source: any = {}) {
	        return new TemplateParam(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.text = source["text"];
	        this.default = source["default"];
	    }
	}
	export class Template {
	    id: string;
	    title: string;
	    summary: string;
	    description: string;
	    params: TemplateParam[];
	    answers?: Answer[];
	
	    static createFrom(source: any = {}) {
	        return new Template(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.summary = source["summary"];
	        this.description = source["description"];
	        this.params = this.convertValues(source["params"], TemplateParam);
	        this.answers = this.convertValues(source["answers"], Answer);
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

export namespace query {
	
	export class Hop {
	    from: string;
	    to: string;
	    via: string;
	    conditional?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Hop(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.via = source["via"];
	        this.conditional = source["conditional"];
	    }
	}
	export class Match {
	    principal: string;
	    type: string;
	    via: string;
	    actions: string[];
	    conditional: string[];
	    path?: Hop[];
	
	    static createFrom(source: any = {}) {
	        return new Match(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.principal = source["principal"];
	        this.type = source["type"];
	        this.via = source["via"];
	        this.actions = source["actions"];
	        this.conditional = source["conditional"];
	        this.path = this.convertValues(source["path"], Hop);
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
	export class Answer {
	    query: string;
	    kind: string;
	    account: string;
	    action?: string;
	    principal?: string;
	    resource: string;
	    resourcePolicies: string[];
	    matches: Match[];
	    problems: string[];
	
	    static createFrom(source: any = {}) {
	        return new Answer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = source["query"];
	        this.kind = source["kind"];
	        this.account = source["account"];
	        this.action = source["action"];
	        this.principal = source["principal"];
	        this.resource = source["resource"];
	        this.resourcePolicies = source["resourcePolicies"];
	        this.matches = this.convertValues(source["matches"], Match);
	        this.problems = source["problems"];
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

export namespace remediate {
	
	export class Denial {
	    principal: string;
	    action: string;
	    count: number;
	    // Go type: time
	    last: any;
	    approximate?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Denial(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.principal = source["principal"];
	        this.action = source["action"];
	        this.count = source["count"];
	        this.last = this.convertValues(source["last"], null);
	        this.approximate = source["approximate"];
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
	export class InlineState {
	    name: string;
	    exists: boolean;
	    document?: string;
	
	    static createFrom(source: any = {}) {
	        return new InlineState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.exists = source["exists"];
	        this.document = source["document"];
	    }
	}
	export class ManagedState {
	    arn: string;
	    policy?: awsapi.ManagedPolicy;
	
	    static createFrom(source: any = {}) {
	        return new ManagedState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.policy = this.convertValues(source["policy"], awsapi.ManagedPolicy);
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
	export class Principal {
	    arn: string;
	    kind: string;
	    name: string;
	    account: string;
	    partition: string;
	
	    static createFrom(source: any = {}) {
	        return new Principal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.account = source["account"];
	        this.partition = source["partition"];
	    }
	}
	export class StepResult {
	    call: awsapi.IAMCall;
	    why: string;
	    cli: string;
	    ok: boolean;
	    code?: string;
	    error?: string;
	    output?: {[key: string]: string};
	
	    static createFrom(source: any = {}) {
	        return new StepResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.call = this.convertValues(source["call"], awsapi.IAMCall);
	        this.why = source["why"];
	        this.cli = source["cli"];
	        this.ok = source["ok"];
	        this.code = source["code"];
	        this.error = source["error"];
	        this.output = source["output"];
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
	export class Run {
	    // Go type: time
	    started: any;
	    // Go type: time
	    finished: any;
	    done: StepResult[];
	    pending: Step[];
	    error?: string;
	    verified: boolean;
	    mismatches: string[];
	
	    static createFrom(source: any = {}) {
	        return new Run(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.started = this.convertValues(source["started"], null);
	        this.finished = this.convertValues(source["finished"], null);
	        this.done = this.convertValues(source["done"], StepResult);
	        this.pending = this.convertValues(source["pending"], Step);
	        this.error = source["error"];
	        this.verified = source["verified"];
	        this.mismatches = source["mismatches"];
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
	export class Step {
	    call: awsapi.IAMCall;
	    why: string;
	    cli: string;
	
	    static createFrom(source: any = {}) {
	        return new Step(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.call = this.convertValues(source["call"], awsapi.IAMCall);
	        this.why = source["why"];
	        this.cli = source["cli"];
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
	export class State {
	    inline: InlineState[];
	    attached: {[key: string]: boolean};
	    managed: ManagedState[];
	    attachedTotal: number;
	
	    static createFrom(source: any = {}) {
	        return new State(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.inline = this.convertValues(source["inline"], InlineState);
	        this.attached = source["attached"];
	        this.managed = this.convertValues(source["managed"], ManagedState);
	        this.attachedTotal = source["attachedTotal"];
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
	export class Record {
	    id: string;
	    auditId?: string;
	    principal: Principal;
	    // Go type: time
	    createdAt: any;
	    status: string;
	    before: State;
	    target: State;
	    steps: Step[];
	    token: string;
	    notes: string[];
	    removed: string[];
	    baselineDenied: string[];
	    apply?: Run;
	    rollback?: Run;
	
	    static createFrom(source: any = {}) {
	        return new Record(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.auditId = source["auditId"];
	        this.principal = this.convertValues(source["principal"], Principal);
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.status = source["status"];
	        this.before = this.convertValues(source["before"], State);
	        this.target = this.convertValues(source["target"], State);
	        this.steps = this.convertValues(source["steps"], Step);
	        this.token = source["token"];
	        this.notes = source["notes"];
	        this.removed = source["removed"];
	        this.baselineDenied = source["baselineDenied"];
	        this.apply = this.convertValues(source["apply"], Run);
	        this.rollback = this.convertValues(source["rollback"], Run);
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
	
	
	
	
	export class Suggestion {
	    recordId: string;
	    principal: string;
	    // Go type: time
	    appliedAt: any;
	    denied: Denial[];
	    removed: string[];
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Suggestion(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.recordId = source["recordId"];
	        this.principal = source["principal"];
	        this.appliedAt = this.convertValues(source["appliedAt"], null);
	        this.denied = this.convertValues(source["denied"], Denial);
	        this.removed = source["removed"];
	        this.message = source["message"];
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

export namespace result {
	
	export class PrincipalDrift {
	    arn: string;
	    newPermissions: string[];
	    removedPermissions: string[];
	    riskScoreChange: number;
	
	    static createFrom(source: any = {}) {
	        return new PrincipalDrift(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.newPermissions = source["newPermissions"];
	        this.removedPermissions = source["removedPermissions"];
	        this.riskScoreChange = source["riskScoreChange"];
	    }
	}
	export class Drift {
	    previous: Window;
	    newPrincipals: string[];
	    removedPrincipals: string[];
	    principals: PrincipalDrift[];
	    riskScoreChange: number;
	    newEscalationPaths: EscalationPath[];
	    newExternalAccess: ExternalAccess[];
	
	    static createFrom(source: any = {}) {
	        return new Drift(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.previous = this.convertValues(source["previous"], Window);
	        this.newPrincipals = source["newPrincipals"];
	        this.removedPrincipals = source["removedPrincipals"];
	        this.principals = this.convertValues(source["principals"], PrincipalDrift);
	        this.riskScoreChange = source["riskScoreChange"];
	        this.newEscalationPaths = this.convertValues(source["newEscalationPaths"], EscalationPath);
	        this.newExternalAccess = this.convertValues(source["newExternalAccess"], ExternalAccess);
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
	export class ExternalAccess {
	    resource: string;
	    principal: string;
	    actions: string[];
	    conditional?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ExternalAccess(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.resource = source["resource"];
	        this.principal = source["principal"];
	        this.actions = source["actions"];
	        this.conditional = source["conditional"];
	    }
	}
	export class Hop {
	    from: string;
	    to: string;
	    via: string;
	    conditional?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Hop(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.via = source["via"];
	        this.conditional = source["conditional"];
	    }
	}
	export class EscalationPath {
	    from: string;
	    to: string;
	    hops: Hop[];
	
	    static createFrom(source: any = {}) {
	        return new EscalationPath(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.hops = this.convertValues(source["hops"], Hop);
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
	export class Proof {
	    noNewAccess: string;
	    coversUsage: boolean;
	    reasons?: string[];
	    lost?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Proof(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.noNewAccess = source["noNewAccess"];
	        this.coversUsage = source["coversUsage"];
	        this.reasons = source["reasons"];
	        this.lost = source["lost"];
	    }
	}
	export class Recommendation {
	    kind: string;
	    addressTo?: string;
	    detach: string[];
	    replace: string[];
	    delete: string[];
	    policies: Policy[];
	    proof: Proof;
	    notes: string[];
	
	    static createFrom(source: any = {}) {
	        return new Recommendation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.addressTo = source["addressTo"];
	        this.detach = source["detach"];
	        this.replace = source["replace"];
	        this.delete = source["delete"];
	        this.policies = this.convertValues(source["policies"], Policy);
	        this.proof = this.convertValues(source["proof"], Proof);
	        this.notes = source["notes"];
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
	export class Policy {
	    name: string;
	    status: string;
	    managed: boolean;
	    document: number[];
	
	    static createFrom(source: any = {}) {
	        return new Policy(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.managed = source["managed"];
	        this.document = source["document"];
	    }
	}
	export class Permissions {
	    used: string[];
	    unused: string[];
	    unknown: string[];
	    tooNew: string[];
	    dead: string[];
	    unknownReasons: {[key: string]: number};
	    unusedByAccessLevel: {[key: string]: number};
	    unusedBySensitivity: {[key: string]: number};
	    denied: string[];
	
	    static createFrom(source: any = {}) {
	        return new Permissions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.used = source["used"];
	        this.unused = source["unused"];
	        this.unknown = source["unknown"];
	        this.tooNew = source["tooNew"];
	        this.dead = source["dead"];
	        this.unknownReasons = source["unknownReasons"];
	        this.unusedByAccessLevel = source["unusedByAccessLevel"];
	        this.unusedBySensitivity = source["unusedBySensitivity"];
	        this.denied = source["denied"];
	    }
	}
	export class Finding {
	    id: string;
	    severity: number;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Finding(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.severity = source["severity"];
	        this.message = source["message"];
	    }
	}
	export class Risk {
	    capability: number;
	    reach: number;
	    dormancy: number;
	
	    static createFrom(source: any = {}) {
	        return new Risk(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.capability = source["capability"];
	        this.reach = source["reach"];
	        this.dormancy = source["dormancy"];
	    }
	}
	export class Principal {
	    arn: string;
	    type: string;
	    name: string;
	    riskScore: number;
	    risk: Risk;
	    admin?: string;
	    activity: audit.Verdict;
	    editability: string;
	    permissionSet?: string;
	    findings: Finding[];
	    permissions: Permissions;
	    current: Policy[];
	    recommendation?: Recommendation;
	
	    static createFrom(source: any = {}) {
	        return new Principal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.type = source["type"];
	        this.name = source["name"];
	        this.riskScore = source["riskScore"];
	        this.risk = this.convertValues(source["risk"], Risk);
	        this.admin = source["admin"];
	        this.activity = this.convertValues(source["activity"], audit.Verdict);
	        this.editability = source["editability"];
	        this.permissionSet = source["permissionSet"];
	        this.findings = this.convertValues(source["findings"], Finding);
	        this.permissions = this.convertValues(source["permissions"], Permissions);
	        this.current = this.convertValues(source["current"], Policy);
	        this.recommendation = this.convertValues(source["recommendation"], Recommendation);
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
	export class RegionCoverage {
	    region: string;
	    days: number;
	    completeDays: number;
	    events: number;
	
	    static createFrom(source: any = {}) {
	        return new RegionCoverage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.region = source["region"];
	        this.days = source["days"];
	        this.completeDays = source["completeDays"];
	        this.events = source["events"];
	    }
	}
	export class Coverage {
	    sources: string[];
	    days: number;
	    completeDays: number;
	    gaps: audit.Gap[];
	    dataEventTypes: string[];
	    failures: number;
	    regions: RegionCoverage[];
	
	    static createFrom(source: any = {}) {
	        return new Coverage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sources = source["sources"];
	        this.days = source["days"];
	        this.completeDays = source["completeDays"];
	        this.gaps = this.convertValues(source["gaps"], audit.Gap);
	        this.dataEventTypes = source["dataEventTypes"];
	        this.failures = source["failures"];
	        this.regions = this.convertValues(source["regions"], RegionCoverage);
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
	export class Window {
	    // Go type: time
	    start: any;
	    // Go type: time
	    end: any;
	
	    static createFrom(source: any = {}) {
	        return new Window(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.start = this.convertValues(source["start"], null);
	        this.end = this.convertValues(source["end"], null);
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
	export class Audit {
	    account: string;
	    sample?: boolean;
	    // Go type: time
	    collectedAt: any;
	    window: Window;
	    riskScore: number;
	    coverage: Coverage;
	    problems: string[];
	    principals: Principal[];
	    escalationPaths: EscalationPath[];
	    externalAccess: ExternalAccess[];
	    drift?: Drift;
	
	    static createFrom(source: any = {}) {
	        return new Audit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.sample = source["sample"];
	        this.collectedAt = this.convertValues(source["collectedAt"], null);
	        this.window = this.convertValues(source["window"], Window);
	        this.riskScore = source["riskScore"];
	        this.coverage = this.convertValues(source["coverage"], Coverage);
	        this.problems = source["problems"];
	        this.principals = this.convertValues(source["principals"], Principal);
	        this.escalationPaths = this.convertValues(source["escalationPaths"], EscalationPath);
	        this.externalAccess = this.convertValues(source["externalAccess"], ExternalAccess);
	        this.drift = this.convertValues(source["drift"], Drift);
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

