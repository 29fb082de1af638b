/** A text shown to users, in both languages of the product. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** Report language: the PDF and the labels are chosen by it. */
export type ReportLanguage = 'zh-CN' | 'en';

/** The text in the language asked for. */
export function pick(t: Bilingual, lang: ReportLanguage): string {
  return lang === 'zh-CN' ? t.zh : t.en;
}

/** Why a maintenance operation was refused; the message is safe to show (mgmt maps it to 400/409). */
export class MaintenanceError extends Error {
  override readonly name = 'MaintenanceError';
  constructor(
    /** 'invalid': bad input; 'conflict': the record is in a state that forbids it; 'not-found'. */
    readonly kind: 'invalid' | 'conflict' | 'not-found',
    message: string,
    /** JSON pointer of the offending input field, when there is one. */
    readonly path = '',
  ) {
    super(message);
  }
}
