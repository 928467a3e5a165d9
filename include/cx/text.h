/**
 * @file text.h
 * @brief Free-text feedback: UTF-8 tokenizing, sentiment with evidence,
 *        aspects, keywords that tell two groups apart, and calibration.
 *
 * @defgroup text Text analytics
 * @{
 *
 * A ::cx_lexicon holds a language's word valences and rules: negators,
 * intensifiers and dampeners, contrast words, customer-service phrases,
 * emoticons and emoji, an aspect dictionary and stop words. The default
 * English lexicon is compiled in (cx_lexicon_new_default()); other languages
 * load from lexicon files (cx_lexicon_load(), or cx_lexicon_parse() from
 * memory; format in docs/text.md). A Vietnamese lexicon ships as
 * `vi.tsv` in the installed lexicon folder (pkg-config variable
 * `lexicondir`). Lexicons are immutable once built and reference-counted:
 * analyzers and keyword tables keep the lexicon they were made from.
 *
 * A ::cx_sentiment analyzer scores comments: a compound score in -1..1,
 * positive / negative / neutral shares and a label. With a
 * ::cx_sentiment_doc it also returns its evidence (byte spans and the rules
 * that moved each score) and per-aspect sentiment. A host can override
 * valences for its domain, everywhere or within one aspect ("cheap" is good
 * for the price, bad for the quality).
 *
 * A ::cx_keywords table counts terms and bigrams of two groups of comments
 * (detractors and promoters, this month and last) and ranks them by the
 * weighted log-odds with an informative Dirichlet prior of Monroe, Colaresi
 * and Quinn (2008).
 *
 * Thread safety: a lexicon may be shared by any number of threads. An
 * analyzer may be used for scoring (cx_sentiment_score(),
 * cx_sentiment_score_many(), cx_sentiment_analyze()) by many threads at
 * once, provided none of them changes it (overrides, aspects, thresholds)
 * at the same time. A ::cx_sentiment_doc and a ::cx_keywords are used by one
 * thread at a time.
 *
 * @code
 * cx_lexicon *lex = NULL;
 * cx_sentiment *an = NULL;
 * cx_lexicon_new_default(&lex);
 * cx_sentiment_new(&an, lex, NULL);
 * cx_lexicon_free(lex);              // the analyzer keeps its own reference
 * cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
 * const char *t = "Great product but support never answered";
 * cx_sentiment_score(&r, an, t, strlen(t));
 * printf("%.4f\n", r.compound);
 * cx_sentiment_free(an);
 * @endcode
 */
#ifndef CX_TEXT_H
#define CX_TEXT_H

#include <math.h>

#include "cx/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A language's lexicon (opaque, immutable, shareable). @since 0.2.0 */
typedef struct cx_lexicon cx_lexicon;
/** A sentiment analyzer (opaque). @since 0.2.0 */
typedef struct cx_sentiment cx_sentiment;
/** A workspace holding one comment's full analysis (opaque). @since 0.2.0 */
typedef struct cx_sentiment_doc cx_sentiment_doc;
/** Term counts of two groups of comments, for keywords (opaque). @since 0.2.0 */
typedef struct cx_keywords cx_keywords;

/** Longest text, in bytes, that one call scores or counts. @since 0.2.0 */
#define CX_TEXT_MAX_BYTES (16u * 1024u * 1024u)

/** Most tokens in one lexicon term (a phrase). @since 0.2.0 */
#define CX_LEXICON_TERM_MAX_TOKENS 8

/** Largest absolute valence of a lexicon term or override. @since 0.2.0 */
#define CX_LEXICON_VALENCE_MAX 4.0

/**
 * What to do with bytes that are not valid UTF-8.
 * @since 0.2.0
 */
typedef enum cx_text_invalid_utf8 {
    /** Fail with #CX_EFORMAT naming the byte offset (the default). */
    CX_TEXT_INVALID_ERROR = 0,
    /** Read each invalid byte as U+FFFD REPLACEMENT CHARACTER, which
     *  separates words and carries no sentiment. */
    CX_TEXT_INVALID_REPLACE = 1
} cx_text_invalid_utf8;

/* ---- lexicons -------------------------------------------------------- */

/**
 * Creates the compiled-in English lexicon: VADER's word and emoticon
 * valences (Hutto & Gilbert 2014, MIT licence) with libcx's own rules,
 * customer-service phrases, emoji, aspect dictionary and stop words (see
 * docs/text.md and data/lexicon/LICENSE).
 *
 * @param[out] out the lexicon, owned by the caller (cx_lexicon_free());
 *             NULL on failure
 * @return #CX_OK; #CX_EINVAL if `out` is NULL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lexicon_new_default(cx_lexicon **out);

/**
 * Reads a lexicon file (format in docs/text.md: one `kind TAB term [TAB
 * value]` row per line, `@language TAB code` and `#` comments).
 *
 * @param[out] out the lexicon, owned by the caller; NULL on failure
 * @param[in] path the file
 * @return #CX_OK; #CX_EIO if the file cannot be read (message names it and
 *         the reason); #CX_EFORMAT for a bad row (message names the file,
 *         the line and the field); #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lexicon_load(cx_lexicon **out, const char *path);

/**
 * Builds a lexicon from the text of a lexicon file held in memory.
 *
 * @param[out] out the lexicon, owned by the caller; NULL on failure
 * @param[in] data the file's bytes (UTF-8, need not be NUL-terminated)
 * @param[in] len number of bytes
 * @param[in] name a name for messages (such as the file name), or NULL
 * @return #CX_OK; #CX_EFORMAT for a bad row (message names `name`, the line
 *         and the field); #CX_EINVAL for NULL `data` with `len` > 0; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lexicon_parse(cx_lexicon **out, const char *data, size_t len, const char *name);

/**
 * Finds a language's lexicon: "en" with `dir` NULL gives the compiled-in
 * English lexicon; otherwise reads `dir`/`language`.tsv.
 *
 * @param[out] out the lexicon, owned by the caller; NULL on failure
 * @param[in] language a language code of letters, digits, '-' and '_' ("vi")
 * @param[in] dir folder of lexicon files (such as the installed `lexicondir`),
 *            or NULL for the compiled-in lexicons only
 * @return #CX_OK; #CX_ENOTFOUND when no lexicon exists for the language
 *         (message names the language and where it looked); #CX_EINVAL for
 *         a malformed code; the codes of cx_lexicon_load()
 * @since 0.2.0
 */
CX_API int cx_lexicon_new_language(cx_lexicon **out, const char *language, const char *dir);

/**
 * Releases the caller's reference to a lexicon. Analyzers and keyword
 * tables made from it keep their own references, so it may be released
 * while they live. NULL-safe.
 *
 * Thread safety: may be called from any thread; the last release frees it.
 *
 * @param[in] lex the lexicon
 * @since 0.2.0
 */
CX_API void cx_lexicon_free(cx_lexicon *lex);

/**
 * Returns the language code of a lexicon (its `@language` line; "" when
 * the file had none).
 *
 * @param[out] out the code, borrowed from the lexicon
 * @param[in] lex the lexicon
 * @return #CX_OK; #CX_EINVAL if an argument is NULL
 * @since 0.2.0
 */
CX_API int cx_lexicon_get_language(const char **out, const cx_lexicon *lex);

/**
 * Returns the number of distinct terms in a lexicon.
 *
 * @param[out] out the number of terms
 * @param[in] lex the lexicon
 * @return #CX_OK; #CX_EINVAL if an argument is NULL
 * @since 0.2.0
 */
CX_API int cx_lexicon_count(size_t *out, const cx_lexicon *lex);

/** Version of ::cx_lexicon_entry understood by this header. @since 0.2.0 */
#define CX_LEXICON_ENTRY_VERSION 1

/**
 * What a lexicon knows about one term, as returned by cx_lexicon_lookup().
 * @since 0.2.0
 */
typedef struct cx_lexicon_entry {
    unsigned int version;  /**< #CX_LEXICON_ENTRY_VERSION, set by the caller. */
    double valence;        /**< Valence -4..4 of a word, phrase, emoticon or emoji; 0 when it has none. */
    double intensity;      /**< Intensifier (> 0) or dampener (< 0) amount before the next word; 0 if neither. */
    double intensity_after; /**< Intensifier or dampener amount after the previous word; 0 if neither. */
    int has_valence;       /**< 1 when the term carries a valence. */
    int service;           /**< 1 for a customer-service phrase. */
    int emoticon;          /**< 1 for an emoticon (matched as written). */
    int negator;           /**< 1 for a negator ("not", "no", "without", "never"). */
    int contrast;          /**< 1 for a contrast word ("but", "however"). */
    int concession;        /**< 1 for a concession word ("although", "despite"). */
    int stop;              /**< 1 for a stop word (ignored by keywords). */
    const char *aspect;    /**< Aspect the term names, borrowed from the lexicon; NULL if none. */
} cx_lexicon_entry;

/** Static initialiser for ::cx_lexicon_entry. @since 0.2.0 */
#define CX_LEXICON_ENTRY_INIT { CX_LEXICON_ENTRY_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL }

/**
 * Initialises a ::cx_lexicon_entry, for callers without macros.
 * @param[out] entry the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_LEXICON_ENTRY_VERSION
 * @return #CX_OK; #CX_EINVAL if `entry` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_lexicon_entry_init(cx_lexicon_entry *entry, unsigned int version);

/**
 * Looks a term up. The term is normalized as comments are (NFC, case
 * folding, numbers as "#"), so "GREAT" finds "great"; emoticons are
 * matched as written.
 *
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] lex the lexicon
 * @param[in] term a UTF-8 word, phrase, emoticon or emoji
 * @return #CX_OK; #CX_ENOTFOUND naming the term; #CX_EFORMAT for invalid
 *         UTF-8; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lexicon_lookup(cx_lexicon_entry *out, const cx_lexicon *lex, const char *term);

/* ---- sentiment ------------------------------------------------------- */

/**
 * Labels of a comment or an aspect. Values are fixed.
 * @since 0.2.0
 */
typedef enum cx_sentiment_label {
    CX_SENTIMENT_NEGATIVE = -1, /**< compound <= negative_threshold */
    CX_SENTIMENT_NEUTRAL = 0,   /**< between the thresholds */
    CX_SENTIMENT_POSITIVE = 1   /**< compound >= positive_threshold */
} cx_sentiment_label;

/**
 * Rules that move a score, reported in the evidence. Values are bit flags,
 * fixed forever, so a set of rules fits in one `uint32_t`.
 * @since 0.2.0
 */
typedef enum cx_sentiment_rule {
    CX_RULE_LEXICON = 1u << 0,     /**< A single word's valence. */
    CX_RULE_PHRASE = 1u << 1,      /**< A multi-word phrase's valence. */
    CX_RULE_SERVICE = 1u << 2,     /**< A customer-service phrase ("still waiting"). */
    CX_RULE_EMOTICON = 1u << 3,    /**< An emoticon such as ":)". */
    CX_RULE_EMOJI = 1u << 4,       /**< An emoji. */
    CX_RULE_OVERRIDE = 1u << 5,    /**< A host's domain override replaced the valence. */
    CX_RULE_NEGATION = 1u << 6,    /**< A negator within three units before flipped the valence. */
    CX_RULE_INTENSIFIER = 1u << 7, /**< An intensifier ("very") strengthened it. */
    CX_RULE_DAMPENER = 1u << 8,    /**< A dampener ("slightly") weakened it. */
    CX_RULE_CONTRAST = 1u << 9,    /**< A contrast or concession word reweighted it. */
    CX_RULE_CAPS = 1u << 10,       /**< Written in CAPITALS among lower-case words. */
    CX_RULE_EXCLAMATION = 1u << 11 /**< Exclamation marks strengthened the whole text. */
} cx_sentiment_rule;

/**
 * Names a rule: "lexicon", "phrase", "service", "emoticon", "emoji",
 * "override", "negation", "intensifier", "dampener", "contrast", "caps",
 * "exclamation".
 * @param[in] rule one rule (a single flag)
 * @return a static string, or NULL for anything else
 * @since 0.2.0
 */
CX_API const char *cx_sentiment_rule_name(cx_sentiment_rule rule);

/**
 * Names a label: "negative", "neutral" or "positive".
 * @param[in] label a label
 * @return a static string, or NULL for an unknown label
 * @since 0.2.0
 */
CX_API const char *cx_sentiment_label_name(cx_sentiment_label label);

/** Version of ::cx_sentiment_options understood by this header. @since 0.2.0 */
#define CX_SENTIMENT_OPTIONS_VERSION 1

/**
 * Options of an analyzer.
 * @since 0.2.0
 */
typedef struct cx_sentiment_options {
    unsigned int version;             /**< #CX_SENTIMENT_OPTIONS_VERSION */
    double negative_threshold;        /**< Label negative at compound <= this; default -0.05. */
    double positive_threshold;        /**< Label positive at compound >= this; default 0.05. */
    double alpha;                     /**< Normalisation constant of compound = S / sqrt(S^2 + alpha); > 0, default 15. */
    cx_text_invalid_utf8 invalid_utf8; /**< Invalid UTF-8: error (default) or replace. */
    int aspects;                      /**< 1 (default): start with the lexicon's aspect dictionary; 0: none. */
} cx_sentiment_options;

/** Static initialiser for ::cx_sentiment_options with every default. @since 0.2.0 */
#define CX_SENTIMENT_OPTIONS_INIT { CX_SENTIMENT_OPTIONS_VERSION, -0.05, 0.05, 15.0, CX_TEXT_INVALID_ERROR, 1 }

/**
 * Fills ::cx_sentiment_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_SENTIMENT_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_sentiment_options_init(cx_sentiment_options *opts, unsigned int version);

/** Version of ::cx_sentiment_result understood by this header. @since 0.2.0 */
#define CX_SENTIMENT_RESULT_VERSION 1

/**
 * A comment's sentiment.
 * @since 0.2.0
 */
typedef struct cx_sentiment_result {
    unsigned int version;     /**< #CX_SENTIMENT_RESULT_VERSION, set by the caller. */
    double compound;          /**< S / sqrt(S^2 + alpha) in -1..1, S the sum of contributions. */
    double positive;          /**< Share 0..1 of the text's sentiment mass that is positive. */
    double negative;          /**< Share 0..1 that is negative. */
    double neutral;           /**< Share 0..1 of words without sentiment; the three shares sum to 1. */
    double sum;               /**< S, the sum of contributions after every rule. */
    cx_sentiment_label label; /**< By the analyzer's thresholds. */
    uint32_t tokens;          /**< Words, numbers, emoji and emoticons read. */
    uint32_t evidence_count;  /**< Evidence items (cx_sentiment_analyze() only; 0 otherwise). */
    uint32_t aspect_count;    /**< Aspects mentioned (cx_sentiment_analyze() only; 0 otherwise). */
} cx_sentiment_result;

/** Static initialiser for ::cx_sentiment_result. @since 0.2.0 */
#define CX_SENTIMENT_RESULT_INIT { CX_SENTIMENT_RESULT_VERSION, 0, 0, 0, 0, 0, CX_SENTIMENT_NEUTRAL, 0u, 0u, 0u }

/**
 * Initialises a ::cx_sentiment_result, for callers without macros.
 * @param[out] res the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_SENTIMENT_RESULT_VERSION
 * @return #CX_OK; #CX_EINVAL if `res` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_sentiment_result_init(cx_sentiment_result *res, unsigned int version);

/**
 * Creates an analyzer over a lexicon.
 *
 * @param[out] out the analyzer, owned by the caller (cx_sentiment_free());
 *             NULL on failure
 * @param[in] lex the lexicon; the analyzer takes its own reference
 * @param[in] opts options, or NULL for the defaults; copied
 * @return #CX_OK; #CX_EINVAL for NULL arguments or a bad option (thresholds
 *         outside -1..1 or reversed, alpha not > 0, an unknown invalid_utf8
 *         mode); #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_new(cx_sentiment **out, const cx_lexicon *lex, const cx_sentiment_options *opts);

/**
 * Releases an analyzer. NULL-safe.
 * @param[in] an the analyzer
 * @since 0.2.0
 */
CX_API void cx_sentiment_free(cx_sentiment *an);

/**
 * Sets the label thresholds (for instance from cx_sentiment_calibrate()).
 *
 * @param[in,out] an the analyzer
 * @param[in] negative_threshold compound at or below which a text is negative
 * @param[in] positive_threshold compound at or above which a text is positive
 * @return #CX_OK; #CX_EINVAL for thresholds outside -1..1, NaN, or
 *         negative_threshold > positive_threshold (analyzer unchanged)
 * @since 0.2.0
 */
CX_API int cx_sentiment_set_thresholds(cx_sentiment *an, double negative_threshold, double positive_threshold);

/**
 * Overrides a term's valence for this analyzer: everywhere, or only where
 * the term's clause is about one aspect. An aspect-specific override wins
 * over a general one, which wins over the lexicon. Setting the same term and
 * aspect again replaces the value.
 *
 * @param[in,out] an the analyzer
 * @param[in] term a word or phrase (normalized as comments are)
 * @param[in] valence the new valence, -4..4 (0 silences the term)
 * @param[in] aspect an aspect of the analyzer, or NULL for everywhere
 * @return #CX_OK; #CX_ERANGE for a valence outside -4..4 or NaN;
 *         #CX_ENOTFOUND for an unknown aspect; #CX_EFORMAT for a term that
 *         is empty, invalid UTF-8, longer than #CX_LEXICON_TERM_MAX_TOKENS
 *         tokens or holds punctuation; #CX_EINVAL; #CX_ENOMEM (analyzer
 *         unchanged on any failure)
 * @since 0.2.0
 */
CX_API int cx_sentiment_override(cx_sentiment *an, const char *term, double valence, const char *aspect);

/**
 * Adds terms to an aspect of the analyzer's aspect dictionary, creating the
 * aspect if new. All or nothing. A term already naming another aspect is
 * moved to this one.
 *
 * @param[in,out] an the analyzer
 * @param[in] aspect the aspect's name (1..64 bytes of UTF-8)
 * @param[in] terms the words or phrases that name it
 * @param[in] n number of terms
 * @return #CX_OK; #CX_EFORMAT naming the first bad term and its index;
 *         #CX_EINVAL for NULL arguments or a bad name; #CX_ERANGE beyond
 *         32767 aspects; #CX_ENOMEM (analyzer unchanged)
 * @since 0.2.0
 */
CX_API int cx_sentiment_add_aspect_terms(cx_sentiment *an, const char *aspect, const char *const *terms, size_t n);

/**
 * Removes every aspect and aspect term (and the aspect-specific overrides
 * with them), leaving an analyzer without aspects.
 *
 * @param[in,out] an the analyzer
 * @return #CX_OK; #CX_EINVAL for a NULL analyzer; #CX_ENOMEM (unchanged)
 * @since 0.2.0
 */
CX_API int cx_sentiment_clear_aspects(cx_sentiment *an);

/**
 * Returns the number of aspects of an analyzer.
 * @param[out] out the number
 * @param[in] an the analyzer
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_sentiment_aspect_count(size_t *out, const cx_sentiment *an);

/**
 * Names an aspect of an analyzer.
 * @param[out] out the name, borrowed from the analyzer (valid until its
 *             aspects change or it is freed)
 * @param[in] an the analyzer
 * @param[in] index 0..count-1
 * @return #CX_OK; #CX_ERANGE for an index past the end; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_sentiment_aspect_name(const char **out, const cx_sentiment *an, size_t index);

/**
 * Scores one comment: compound, shares and label, without evidence.
 * Allocates only for comments longer than about 500 bytes.
 *
 * @param[in,out] out the result; `out->version` set by the caller
 * @param[in] an the analyzer
 * @param[in] text UTF-8 text (need not be NUL-terminated)
 * @param[in] len its length in bytes (at most #CX_TEXT_MAX_BYTES)
 * @return #CX_OK; #CX_EFORMAT for invalid UTF-8 (message names the byte
 *         offset) unless the analyzer replaces it; #CX_ERANGE for a text
 *         longer than #CX_TEXT_MAX_BYTES; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_score(cx_sentiment_result *out, const cx_sentiment *an, const char *text, size_t len);

/**
 * Scores many comments in one call. Every text is checked (NULL, length,
 * UTF-8) before any is scored, and a failed check writes nothing; only
 * #CX_ENOMEM, for a very long text, can stop the call part-way.
 *
 * Thread safety: several threads may score with one analyzer at once.
 *
 * @param[out] compound_out n compound scores
 * @param[out] label_out n labels (::cx_sentiment_label values), or NULL
 * @param[in] an the analyzer
 * @param[in] texts n UTF-8 texts
 * @param[in] lens n lengths in bytes, or NULL when the texts are NUL-terminated
 * @param[in] n number of texts (0 is allowed)
 * @return #CX_OK; #CX_EFORMAT naming the text's index and the byte offset;
 *         #CX_ERANGE naming a text that is too long; #CX_EINVAL for NULL
 *         arrays or a NULL text; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_score_many(double *compound_out, int *label_out, const cx_sentiment *an,
                                   const char *const *texts, const size_t *lens, size_t n);

/**
 * Creates a workspace for full analyses. Reusing one workspace across
 * comments avoids allocations.
 * @param[out] out the workspace, owned by the caller (cx_sentiment_doc_free());
 *             NULL on failure
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_doc_new(cx_sentiment_doc **out);

/**
 * Releases a workspace. NULL-safe.
 * @param[in] doc the workspace
 * @since 0.2.0
 */
CX_API void cx_sentiment_doc_free(cx_sentiment_doc *doc);

/**
 * Analyzes one comment fully: the result of cx_sentiment_score() plus its
 * evidence and aspects, kept in `doc` until the next analysis. On failure
 * `doc` is left empty.
 *
 * @param[in,out] out the result; `out->version` set by the caller
 * @param[in,out] doc the workspace
 * @param[in] an the analyzer
 * @param[in] text UTF-8 text
 * @param[in] len its length in bytes
 * @return as cx_sentiment_score()
 * @since 0.2.0
 */
CX_API int cx_sentiment_analyze(cx_sentiment_result *out, cx_sentiment_doc *doc, const cx_sentiment *an,
                                const char *text, size_t len);

/** Version of ::cx_sentiment_evidence understood by this header. @since 0.2.0 */
#define CX_SENTIMENT_EVIDENCE_VERSION 1

/**
 * One piece of evidence. A sentiment item is a word, phrase, emoticon or
 * emoji with a valence (`target` -1, `rules` every rule that moved it); a
 * modifier item is the word or mark that applied a rule (`target` the index
 * of the sentiment item it moved, or -1 for the whole text, `rules` its one
 * rule, `valence` the change it made).
 * @since 0.2.0
 */
typedef struct cx_sentiment_evidence {
    unsigned int version; /**< #CX_SENTIMENT_EVIDENCE_VERSION, set by the caller. */
    size_t start;         /**< Byte offset of the span in the analysed text. */
    size_t end;           /**< Byte offset one past the span. */
    uint32_t rule;        /**< The item's own rule (one ::cx_sentiment_rule). */
    uint32_t rules;       /**< Sentiment items: every rule that moved it (OR of flags); modifiers: `rule`. */
    double base;          /**< Sentiment items: the lexicon (or override) valence; modifiers: 0. */
    double valence;       /**< Sentiment items: contribution to S after every rule; modifiers: the change made. */
    int32_t target;       /**< Modifiers: index of the item moved, -1 for the whole text; sentiment items: -1. */
    int32_t aspect;       /**< Index of the aspect the item is about, -1 for none. */
} cx_sentiment_evidence;

/** Static initialiser for ::cx_sentiment_evidence. @since 0.2.0 */
#define CX_SENTIMENT_EVIDENCE_INIT { CX_SENTIMENT_EVIDENCE_VERSION, 0, 0, 0u, 0u, 0, 0, -1, -1 }

/**
 * Initialises a ::cx_sentiment_evidence, for callers without macros.
 * @param[out] ev the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_SENTIMENT_EVIDENCE_VERSION
 * @return #CX_OK; #CX_EINVAL if `ev` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_sentiment_evidence_init(cx_sentiment_evidence *ev, unsigned int version);

/**
 * Returns one evidence item of the last analysis, in text order of the
 * sentiment items, each followed by its modifiers; text-wide items last.
 *
 * @param[in,out] out the item; `out->version` set by the caller
 * @param[in] doc the workspace of a successful cx_sentiment_analyze()
 * @param[in] index 0..evidence_count-1
 * @return #CX_OK; #CX_ERANGE for an index past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_sentiment_doc_evidence(cx_sentiment_evidence *out, const cx_sentiment_doc *doc, size_t index);

/** Version of ::cx_aspect_sentiment understood by this header. @since 0.2.0 */
#define CX_ASPECT_SENTIMENT_VERSION 1

/**
 * The sentiment of one aspect mentioned in a comment.
 * @since 0.2.0
 */
typedef struct cx_aspect_sentiment {
    unsigned int version;     /**< #CX_ASPECT_SENTIMENT_VERSION, set by the caller. */
    int32_t aspect;           /**< Index of the aspect in the analyzer. */
    const char *name;         /**< Its name, borrowed from the analyzer. */
    double compound;          /**< Sa / sqrt(Sa^2 + alpha), Sa the sum of the contributions about it. */
    double sum;               /**< Sa. */
    cx_sentiment_label label; /**< By the analyzer's thresholds. */
    uint32_t mentions;        /**< Times the aspect is named. */
    uint32_t evidence;        /**< Sentiment items attributed to it. */
} cx_aspect_sentiment;

/** Static initialiser for ::cx_aspect_sentiment. @since 0.2.0 */
#define CX_ASPECT_SENTIMENT_INIT { CX_ASPECT_SENTIMENT_VERSION, -1, NULL, 0, 0, CX_SENTIMENT_NEUTRAL, 0u, 0u }

/**
 * Initialises a ::cx_aspect_sentiment, for callers without macros.
 * @param[out] as the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_ASPECT_SENTIMENT_VERSION
 * @return #CX_OK; #CX_EINVAL if `as` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_aspect_sentiment_init(cx_aspect_sentiment *as, unsigned int version);

/**
 * Returns one aspect mentioned in the last analysis, in order of first
 * mention.
 *
 * @param[in,out] out the aspect's sentiment; `out->version` set by the caller
 * @param[in] doc the workspace of a successful cx_sentiment_analyze()
 * @param[in] index 0..aspect_count-1
 * @return #CX_OK; #CX_ERANGE for an index past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_sentiment_doc_aspect(cx_aspect_sentiment *out, const cx_sentiment_doc *doc, size_t index);

/**
 * Writes the last analysis as one JSON object: `compound`, `positive`,
 * `negative`, `neutral`, `label`, `evidence` (objects with `start`, `end`,
 * `text`, `rule`, `rules`, `base`, `valence`, `target`, `aspect`) and
 * `aspects` (objects with `aspect`, `compound`, `label`, `mentions`).
 *
 * @param[in,out] out a buffer (#CX_BUFFER_INIT); the JSON is appended;
 *                release with cx_buffer_dispose()
 * @param[in] doc the workspace of a successful cx_sentiment_analyze()
 * @return #CX_OK; #CX_ESTATE when `doc` holds no analysis; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_doc_json(cx_buffer *out, const cx_sentiment_doc *doc);

/* ---- calibration ----------------------------------------------------- */

/** Version of ::cx_sentiment_calibration understood by this header. @since 0.2.0 */
#define CX_SENTIMENT_CALIBRATION_VERSION 1

/**
 * Thresholds fitted to a labelled sample by cx_sentiment_calibrate().
 * @since 0.2.0
 */
typedef struct cx_sentiment_calibration {
    unsigned int version;      /**< #CX_SENTIMENT_CALIBRATION_VERSION, set by the caller. */
    double negative_threshold; /**< Fitted: negative at compound <= this. */
    double positive_threshold; /**< Fitted: positive at compound >= this. */
    double accuracy;           /**< Share 0..1 of the sample labelled right with the fitted thresholds. */
    double default_accuracy;   /**< The same with the defaults -0.05 and 0.05, for comparison. */
    uint64_t count;            /**< Sample size. */
} cx_sentiment_calibration;

/** Static initialiser for ::cx_sentiment_calibration. @since 0.2.0 */
#define CX_SENTIMENT_CALIBRATION_INIT { CX_SENTIMENT_CALIBRATION_VERSION, 0, 0, 0, 0, 0u }

/**
 * Initialises a ::cx_sentiment_calibration, for callers without macros.
 * @param[out] cal the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_SENTIMENT_CALIBRATION_VERSION
 * @return #CX_OK; #CX_EINVAL if `cal` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_sentiment_calibration_init(cx_sentiment_calibration *cal, unsigned int version);

/**
 * Fits the two label thresholds to a user's labelled sample: the pair that
 * labels the most comments right (ties: the pair closest to the defaults),
 * each threshold placed midway between neighbouring scores. See
 * docs/text.md for the procedure.
 *
 * @param[in,out] out the fitted thresholds and accuracies; `out->version` set by the caller
 * @param[in] compound n compound scores (finite, -1..1)
 * @param[in] labels n hand labels (-1, 0 or 1, ::cx_sentiment_label)
 * @param[in] n sample size (>= 1)
 * @return #CX_OK; #CX_ERANGE naming the first score outside -1..1 or label
 *         outside -1..1; #CX_EEMPTY for n = 0; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_sentiment_calibrate(cx_sentiment_calibration *out, const double *compound, const int *labels, size_t n);

/* ---- keywords -------------------------------------------------------- */

/**
 * The groups of a keyword table. Values are fixed.
 * @since 0.2.0
 */
typedef enum cx_keywords_group {
    CX_KEYWORDS_A = 0,         /**< First group (such as detractors). */
    CX_KEYWORDS_B = 1,         /**< Second group (such as promoters). */
    CX_KEYWORDS_BACKGROUND = 2 /**< Background corpus for the prior; optional. */
} cx_keywords_group;

/** Version of ::cx_keywords_options understood by this header. @since 0.2.0 */
#define CX_KEYWORDS_OPTIONS_VERSION 1

/**
 * Options of a keyword table.
 * @since 0.2.0
 */
typedef struct cx_keywords_options {
    unsigned int version; /**< #CX_KEYWORDS_OPTIONS_VERSION */
    int bigrams;          /**< 1 (default): count adjacent pairs of non-stop words too. */
    int stem;             /**< 1: Snowball-stem words (languages with a stemmer only); default 0. */
    int stop_words;       /**< 1 (default): skip the lexicon's stop words. */
    double prior_scale;   /**< a0, the prior's total pseudo-count; NaN (default): the background's own size. */
    uint32_t min_count;   /**< Rank only terms seen at least this often in A and B together; default 2. */
} cx_keywords_options;

/** Static initialiser for ::cx_keywords_options with every default. @since 0.2.0 */
#define CX_KEYWORDS_OPTIONS_INIT { CX_KEYWORDS_OPTIONS_VERSION, 1, 0, 1, (double)NAN, 2u }

/**
 * Fills ::cx_keywords_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_KEYWORDS_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_keywords_options_init(cx_keywords_options *opts, unsigned int version);

/**
 * Tells whether Snowball stemming is available for a language.
 * @param[out] out 1 if cx_keywords_new() can stem this language, else 0
 * @param[in] language a code or name ("en", "english", "de"), as libstemmer knows them
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_text_stemmer_available(int *out, const char *language);

/**
 * Creates a keyword table.
 *
 * @param[out] out the table, owned by the caller (cx_keywords_free()); NULL on failure
 * @param[in] lex the lexicon whose stop words and language are used (the
 *            table takes a reference); NULL for none (no stop words, no stemming)
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ENOTFOUND when stemming is asked for a language
 *         without a stemmer (or libcx was built without libstemmer);
 *         #CX_EINVAL for bad options (prior_scale not > 0); #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_keywords_new(cx_keywords **out, const cx_lexicon *lex, const cx_keywords_options *opts);

/**
 * Releases a keyword table. NULL-safe.
 * @param[in] kw the table
 * @since 0.2.0
 */
CX_API void cx_keywords_free(cx_keywords *kw);

/**
 * Counts one comment's terms into a group.
 *
 * @param[in,out] kw the table
 * @param[in] group the group
 * @param[in] text UTF-8 text
 * @param[in] len its length in bytes
 * @return #CX_OK; #CX_EFORMAT for invalid UTF-8 (naming the offset);
 *         #CX_ERANGE for an overlong text; #CX_EINVAL for an unknown group
 *         or NULL arguments; #CX_ENOMEM (table unchanged)
 * @since 0.2.0
 */
CX_API int cx_keywords_add(cx_keywords *kw, cx_keywords_group group, const char *text, size_t len);

/**
 * Counts many comments into a group, all or nothing.
 *
 * @param[in,out] kw the table
 * @param[in] group the group
 * @param[in] texts n UTF-8 texts
 * @param[in] lens n lengths, or NULL for NUL-terminated texts
 * @param[in] n number of texts
 * @return as cx_keywords_add(); messages name the text's index
 * @since 0.2.0
 */
CX_API int cx_keywords_add_many(cx_keywords *kw, cx_keywords_group group, const char *const *texts,
                                const size_t *lens, size_t n);

/**
 * Adds the counts of `from` into `into` (same lexicon language and options).
 *
 * @param[in,out] into the receiving table
 * @param[in] from the table to add; not changed
 * @return #CX_OK; #CX_ESTATE for different options or languages;
 *         #CX_EINVAL; #CX_ENOMEM (into unchanged)
 * @since 0.2.0
 */
CX_API int cx_keywords_merge(cx_keywords *into, const cx_keywords *from);

/**
 * Ranks the terms by z-score, most typical of group A first and most
 * typical of B last. The ranking is kept until the next add or merge.
 *
 * @param[out] count_out number of ranked terms
 * @param[in,out] kw the table
 * @return #CX_OK; #CX_EEMPTY when group A or B has no terms;
 *         #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_keywords_rank(size_t *count_out, cx_keywords *kw);

/** Version of ::cx_keyword understood by this header. @since 0.2.0 */
#define CX_KEYWORD_VERSION 1

/**
 * One ranked term.
 * @since 0.2.0
 */
typedef struct cx_keyword {
    unsigned int version; /**< #CX_KEYWORD_VERSION, set by the caller. */
    const char *term;     /**< The term or bigram ("no response"), borrowed from the table until it next changes. */
    double delta;         /**< Log-odds ratio of A over B with the prior. */
    double variance;      /**< Its approximate variance, 1/(yA + aw) + 1/(yB + aw). */
    double z;             /**< delta / sqrt(variance): > 0 leans to A, < 0 to B. */
    uint64_t count_a;     /**< Occurrences in A. */
    uint64_t count_b;     /**< Occurrences in B. */
} cx_keyword;

/** Static initialiser for ::cx_keyword. @since 0.2.0 */
#define CX_KEYWORD_INIT { CX_KEYWORD_VERSION, NULL, 0, 0, 0, 0u, 0u }

/**
 * Initialises a ::cx_keyword, for callers without macros.
 * @param[out] kwd the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_KEYWORD_VERSION
 * @return #CX_OK; #CX_EINVAL if `kwd` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_keyword_init(cx_keyword *kwd, unsigned int version);

/**
 * Returns one ranked term.
 *
 * @param[in,out] out the term; `out->version` set by the caller
 * @param[in] kw a ranked table (cx_keywords_rank())
 * @param[in] index 0..count-1, by descending z
 * @return #CX_OK; #CX_ESTATE when the table changed since it was ranked;
 *         #CX_ERANGE for an index past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_keywords_get(cx_keyword *out, const cx_keywords *kw, size_t index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_TEXT_H */
