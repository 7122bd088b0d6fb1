package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.PairScorer;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.ClasspathFolder;
import ai.hybridchat.retrieval.BeirDataset;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.ChunkSearch;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.RerankingSearch;
import ai.hybridchat.retrieval.RetrievalEvaluator;
import ai.hybridchat.retrieval.RetrievalScores;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.server.demo.RetrievalPairs;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.encoder.InverseCloze;
import ai.hybridchat.tuning.encoder.TextPair;
import ai.hybridchat.tuning.train.ProgressListener;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Does contrastive tuning of the retriever's encoder help on questions it was not tuned on? The
 * demo: its training questions tune all-MiniLM-L6-v2, its held-out and paraphrased questions
 * measure it (the rank of the chunk that holds the answer). CISI: two-fold cross-validation over
 * its queries, each fold tuned on the other fold's (query, relevant document) pairs and measured
 * with nDCG@10 on its own queries against the whole corpus, for dense and fused search; the base
 * model and BM25 in the same run.
 */
final class EmbeddingTuningBenchmark {
    /** What one run trains with: the method's learning rate, and these. */
    record Settings(int epochs, int batch, int maxLength, int pairsPerQuery, long seed, boolean reranker, boolean inverseCloze) {
    }

    /** Ranking quality of one model in one mode: the answer chunk's rank among the chunks. */
    record ChunkRanking(double recallAt1, double mrr10, double ndcg10, int questions) {
    }

    private final Settings settings;
    private final Consumer<String> log;

    EmbeddingTuningBenchmark(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /** The demo: per question set ("held-out", "paraphrased"), per model ("base", "tuned"), per mode. */
    Map<String, Map<String, Map<SearchMode, ChunkRanking>>> demo(Path work) throws IOException {
        Path docs = work.resolve("demo-docs");
        new ClasspathFolder("demo/docs").copyTo(docs);
        Path qa = work.resolve("demo-qa");
        new ClasspathFolder("demo/qa").copyTo(qa);
        Map<String, List<TextPair>> sets = new LinkedHashMap<>();
        List<TextPair> train;
        try (ChunkIndex lexical = LuceneChunkIndex.open(work.resolve("demo-lexical"), null)) {
            new Ingestor(lexical).ingest(List.of(docs));
            RetrievalPairs pairs = new RetrievalPairs(lexical, log);
            train = pairs.fromQuestions(qa.resolve("train.jsonl"));
            sets.put("held-out", pairs.fromQuestions(qa.resolve("heldout.jsonl")));
            sets.put("paraphrased", pairs.fromQuestions(qa.resolve("paraphrased.jsonl")));
        }
        Path tuned = tune(work, "demo", train);
        Map<String, Map<String, Map<SearchMode, ChunkRanking>>> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
             SentenceEncoder base = BundledEncoder.ALL_MINILM_L6_V2.load(manager);
             SentenceEncoder tunedModel = SentenceEncoder.load(tuned, manager)) {
            Map<String, EmbeddingModel> models = new LinkedHashMap<>();
            models.put("base", base);
            models.put("tuned", tunedModel);
            for (var m : models.entrySet()) {
                try (ChunkIndex index = LuceneChunkIndex.open(work.resolve("demo-" + m.getKey()), m.getValue())) {
                    new Ingestor(index).ingest(List.of(docs));
                    ChunkSearch search = index.searcher(SearchOptions.defaults());
                    for (var set : sets.entrySet()) {
                        Map<SearchMode, ChunkRanking> modes = new EnumMap<>(SearchMode.class);
                        for (SearchMode mode : List.of(SearchMode.BM25, SearchMode.DENSE, SearchMode.FUSED)) {
                            modes.put(mode, rank(search, mode, set.getValue()));
                        }
                        out.computeIfAbsent(set.getKey(), k -> new LinkedHashMap<>()).put(m.getKey(), modes);
                    }
                }
            }
        }
        return out;
    }

    /** CISI, two folds: per fold, per model ("base", "tuned"), per mode, the held-out queries' scores. */
    List<Map<String, Map<SearchMode, RetrievalScores>>> cisi(Path beirDir, Path work) throws IOException {
        BeirDataset data = BeirDataset.load(beirDir);
        List<String> ids = new ArrayList<>(data.judgedQueryIds());
        Collections.shuffle(ids, new Random(settings.seed()));
        List<List<String>> folds = List.of(ids.subList(0, ids.size() / 2), ids.subList(ids.size() / 2, ids.size()));
        Map<String, String> textOf = new HashMap<>();
        data.corpus().forEach(d -> textOf.put(d.id(), d.text()));
        try (ChunkIndex lexical = LuceneChunkIndex.open(work.resolve("cisi-lexical"), null, Chunker.wholeDocuments())) {
            lexical.upsertAll(data.corpus());
            return folds(data, folds, textOf, lexical.searcher(SearchOptions.defaults()), work);
        }
    }

    private List<Map<String, Map<SearchMode, RetrievalScores>>> folds(BeirDataset data, List<List<String>> folds,
                                                                       Map<String, String> textOf, ChunkSearch bm25, Path work)
            throws IOException {
        List<Map<String, Map<SearchMode, RetrievalScores>>> out = new ArrayList<>();
        // the unsupervised option sees no query at all: one model, measured on each fold's queries like the others
        Path cloze = null;
        if (settings.inverseCloze()) {
            List<TextPair> pairs = InverseCloze.pairs(new ArrayList<>(textOf.values()).stream().sorted().toList(), new Random(settings.seed()));
            log.accept("CISI inverse cloze: " + pairs.size() + " pseudo-queries from " + textOf.size() + " documents, no query used");
            cloze = tune(work, "cisi-inverse-cloze", pairs);
        }
        for (int f = 0; f < folds.size(); f++) {
            List<String> heldOut = folds.get(f);
            List<String> tuneOn = folds.get(1 - f);
            List<TextPair> pairs = new ArrayList<>();
            List<TextPair> rerankPairs = new ArrayList<>();
            Random random = new Random(settings.seed() + f);
            for (String q : tuneOn) {
                List<String> relevant = new ArrayList<>();
                data.qrels().getOrDefault(q, Map.of()).forEach((doc, grade) -> {
                    if (grade > 0 && textOf.containsKey(doc)) {
                        relevant.add(doc);
                    }
                });
                Collections.sort(relevant);
                Collections.shuffle(relevant, random);
                // the reranker's hard negatives: BM25's best documents that are not judged relevant
                List<String> negatives = new ArrayList<>();
                for (String doc : bm25.rankDocuments(data.queries().get(q), SearchMode.BM25, 30)) {
                    if (data.qrels().getOrDefault(q, Map.of()).getOrDefault(doc, 0) <= 0 && textOf.containsKey(doc)) {
                        negatives.add(doc);
                    }
                }
                List<String> chosen = relevant.subList(0, Math.min(settings.pairsPerQuery(), relevant.size()));
                for (int i = 0; i < chosen.size(); i++) {
                    pairs.add(new TextPair(data.queries().get(q), textOf.get(chosen.get(i)), null));
                    if (!negatives.isEmpty()) {
                        rerankPairs.add(new TextPair(data.queries().get(q), textOf.get(chosen.get(i)),
                                textOf.get(negatives.get(i % negatives.size()))));
                    }
                }
            }
            log.accept("CISI fold " + (f + 1) + ": tuning on " + tuneOn.size() + " queries (" + pairs.size() + " pairs), measuring on "
                    + heldOut.size());
            Path tuned = tune(work, "cisi-fold" + (f + 1), pairs);
            Path reranker = settings.reranker() ? tune(work, "cisi-fold" + (f + 1) + "-reranker", "reranker", rerankPairs) : null;
            BeirDataset measured = subset(data, heldOut);
            Map<String, Map<SearchMode, RetrievalScores>> fold = new LinkedHashMap<>();
            try (NDManager manager = NDManager.newBaseManager();
                 SentenceEncoder base = BundledEncoder.ALL_MINILM_L6_V2.load(manager);
                 SentenceEncoder tunedModel = SentenceEncoder.load(tuned, manager)) {
                fold.put("base", new RetrievalEvaluator(base).evaluate(measured, List.of(SearchMode.BM25, SearchMode.DENSE,
                        SearchMode.FUSED)));
                fold.put("tuned", new RetrievalEvaluator(tunedModel).evaluate(measured, List.of(SearchMode.DENSE, SearchMode.FUSED)));
                if (cloze != null) {
                    try (SentenceEncoder clozeModel = SentenceEncoder.load(cloze, manager)) {
                        fold.put("inverse cloze (documents only)", new RetrievalEvaluator(clozeModel).evaluate(measured,
                                List.of(SearchMode.DENSE, SearchMode.FUSED)));
                    }
                }
                if (reranker != null) {
                    try (PairScorer scorer = PairScorer.load(reranker, PairScorer.DEFAULT_MAX_LENGTH, manager)) {
                        fold.put("base + reranker", new RetrievalEvaluator(base).reranked(scorer, RerankingSearch.DEFAULT_DEPTH)
                                .evaluate(measured, List.of(SearchMode.BM25, SearchMode.FUSED)));
                        fold.put("tuned + reranker", new RetrievalEvaluator(tunedModel).reranked(scorer, RerankingSearch.DEFAULT_DEPTH)
                                .evaluate(measured, List.of(SearchMode.FUSED)));
                    }
                }
            }
            log.accept("CISI fold " + (f + 1) + ": " + fold);
            out.add(fold);
        }
        return out;
    }

    private static BeirDataset subset(BeirDataset data, List<String> queryIds) {
        Map<String, String> queries = new HashMap<>();
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        for (String q : queryIds) {
            queries.put(q, data.queries().get(q));
            qrels.put(q, data.qrels().getOrDefault(q, Map.of()));
        }
        return new BeirDataset(data.name() + "-heldout", data.corpus(), queries, qrels);
    }

    private Path tune(Path work, String name, List<TextPair> pairs) throws IOException {
        return tune(work, name, "embedding", pairs);
    }

    private Path tune(Path work, String name, String method, List<TextPair> pairs) throws IOException {
        Path data = work.resolve(name + "-pairs.jsonl");
        AtomicFiles.writeString(data, TextPair.toJsonLines(pairs));
        Path out = work.resolve(name + "-tuned");
        long t0 = System.nanoTime();
        new Tuner(ProgressListener.terminal(10, false)).run(TuneOptionsBuilder.of(method, Path.of("all-minilm-l6-v2"), data, out)
                .epochs(method.equals("embedding") ? settings.epochs() : 1).batchSize(method.equals("embedding") ? settings.batch() : 8).seed(settings.seed())
                .maxLength(method.equals("embedding") ? settings.maxLength() : PairScorer.DEFAULT_MAX_LENGTH)
                .build(), null);
        log.accept(String.format(Locale.ROOT, "%s: tuned on %d pairs in %.0f s", name, pairs.size(),
                (System.nanoTime() - t0) / 1e9));
        return out;
    }

    private static ChunkRanking rank(ChunkSearch search, SearchMode mode, List<TextPair> questions) {
        double hits = 0;
        double rr = 0;
        double ndcg = 0;
        for (TextPair q : questions) {
            List<RetrievedPassage> found = search.search(q.query(), mode, 10);
            int rank = 0;
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).chunk().text().equals(q.positive())) {
                    rank = i + 1;
                    break;
                }
            }
            hits += rank == 1 ? 1 : 0;
            rr += rank == 0 ? 0 : 1.0 / rank;
            ndcg += rank == 0 ? 0 : 1.0 / (Math.log(rank + 1) / Math.log(2));
        }
        int n = questions.size();
        return new ChunkRanking(hits / n, rr / n, ndcg / n, n);
    }
}
