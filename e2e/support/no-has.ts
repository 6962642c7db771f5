import type { Page } from '@playwright/test';

/**
 * Makes `page`, as loaded now, look as it does in a browser without the CSS `:has()` selector: Firefox
 * before 121 (Firefox ESR 115 among them), which Next's default browserslist still targets. Such a
 * browser drops every style rule whose selector it cannot parse (CSS Syntax Level 3 §9: an invalid
 * selector invalidates the whole rule), so this deletes the rules whose selector holds `:has(`, nested
 * ones too, from the page's style sheets (all same-origin). Call it again after a full load. Returns
 * how many rules it deleted: none once the portal hides nothing with `:has()`.
 */
export function withoutHasSelector(page: Page): Promise<number> {
  return page.evaluate(() => {
    type Owner = { cssRules: CSSRuleList; deleteRule(index: number): void };
    let deleted = 0;
    const prune = (owner: Owner) => {
      for (let i = owner.cssRules.length - 1; i >= 0; i--) {
        const rule = owner.cssRules[i]!;
        if (rule instanceof CSSStyleRule && rule.selectorText.includes(':has(')) {
          owner.deleteRule(i);
          deleted++;
        } else if ('cssRules' in rule && 'deleteRule' in rule) prune(rule as unknown as Owner);
      }
    };
    for (const sheet of Array.from(document.styleSheets)) prune(sheet);
    return deleted;
  });
}
