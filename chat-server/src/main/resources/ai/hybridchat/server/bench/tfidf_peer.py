"""The anchor of `platform bench classification`: TF-IDF features and logistic regression,
scikit-learn's defaults (word unigrams and bigrams, sublinear term frequency), trained on one
JSONL file of {"text","label"} and scored on another. Prints one JSON line."""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def read(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def main(train_file, test_file):
    x_train, y_train = read(train_file)
    x_test, y_test = read(test_file)
    start = time.time()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(max_iter=5000)
    model.fit(vectorizer.fit_transform(x_train), y_train)
    predicted = model.predict(vectorizer.transform(x_test))
    print(json.dumps({"accuracy": accuracy_score(y_test, predicted),
                      "macro_f1": f1_score(y_test, predicted, average="macro"),
                      "train": len(x_train), "test": len(x_test), "seconds": time.time() - start}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
